// The borrowing form: copying is not offered for a lender in a country whose law does not permit it.
// The server refuses such a request anyway; this only says so before the form is sent.
(function () {
  "use strict";

  const data = document.getElementById("lender-countries");
  const form = document.querySelector(".ill-borrow-form");
  if (!data || !form) return;
  const rules = JSON.parse(data.textContent);
  const noCopy = new Set(rules.no_copy);
  const lender = form.querySelector("[data-lender-select]");
  const typedCountry = form.querySelector("[data-lender-country]");
  const copy = form.querySelector('input[name="service"][value="copy"]');
  const loan = form.querySelector('input[name="service"][value="loan"]');
  const notice = document.getElementById("copy-not-offered");
  const pages = document.getElementById("div_id_pages_wanted");

  function lenderCountry() {
    if (lender && lender.value) return rules.lenders[lender.value] || "";
    return typedCountry ? typedCountry.value : "";
  }

  function update() {
    const refused = noCopy.has(lenderCountry());
    if (copy) {
      copy.disabled = refused;
      if (refused && copy.checked && loan) loan.checked = true;
    }
    if (notice) notice.hidden = !refused;
    if (pages) pages.hidden = !(copy && copy.checked);
  }

  // The fields of the other type of material are hidden: a chapter's fields for an article, and so on.
  function itemFields() {
    const checked = form.querySelector('input[name="item_type"]:checked');
    const type = checked ? checked.value : "";
    [["article_title", "serial_title", "volume", "issue", "issn"], ["title", "isbn", "part_title", "part_author"]]
      .forEach(function (names, index) {
        const hidden = type === (index === 0 ? "monograph" : "article");
        names.forEach(function (name) {
          const wrapper = document.getElementById("div_id_" + name);
          if (wrapper) wrapper.hidden = hidden;
        });
      });
  }
  form.querySelectorAll('input[name="item_type"]').forEach(function (input) {
    input.addEventListener("change", itemFields);
  });
  itemFields();

  [lender, typedCountry].forEach(function (field) {
    if (field) field.addEventListener("change", update);
  });
  form.querySelectorAll('input[name="service"]').forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
})();
