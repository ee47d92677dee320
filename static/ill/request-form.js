// Progressive enhancement of the ILL request form: the form works without it.
(function () {
  "use strict";

  function debounce(fn, wait) {
    let timer;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  // Thousands grouped as the portal writes money and counts (nlk_portal/core/money.py): "1204.00" -> "1,204.00".
  function grouped(number) {
    if (number === undefined || number === null) return number;
    const parts = String(number).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  function checkedValue(form, name) {
    const input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function setHidden(ids, hidden) {
    ids.forEach(function (id) {
      const wrapper = document.getElementById("div_id_" + id);
      if (wrapper) wrapper.hidden = hidden;
    });
  }

  function feePreview(form) {
    const box = document.getElementById("fee-preview-box");
    const output = document.getElementById("fee-preview");
    const pages = form.querySelector('[name="pages_wanted"]');
    const total = form.querySelector('[name="total_pages"]');
    if (!box || !output || !pages) return;
    let latest = 0;

    function show(text, over) {
      if (output.textContent !== text) output.textContent = text;
      box.classList.toggle("fee-preview-over", Boolean(over));
    }

    // What the quote refuses about the delivery (a loan goes by post) is said beside the choice as well.
    const deliveryGroup = document.getElementById("div_id_delivery");
    let deliveryNote = null;
    if (deliveryGroup) {
      deliveryNote = document.createElement("p");
      deliveryNote.id = "delivery-rule";
      deliveryNote.className = "delivery-rule small fw-semibold text-danger-emphasis mb-2";
      deliveryNote.setAttribute("aria-live", "polite");
      deliveryGroup.appendChild(deliveryNote);
    }

    function noteDelivery(text) {
      if (!deliveryNote) return;
      deliveryNote.textContent = text;
      deliveryNote.hidden = !text;
      form.querySelectorAll('input[name="delivery"]').forEach(function (radio) {
        if (text) radio.setAttribute("aria-describedby", deliveryNote.id);
        else radio.removeAttribute("aria-describedby");
      });
    }
    noteDelivery("");

    function update() {
      const service = checkedValue(form, "service") || "copy";
      const delivery = checkedValue(form, "delivery");
      const ranges = pages.value.trim();
      if (!delivery || (service === "copy" && !ranges)) {
        noteDelivery("");
        show(box.dataset.prompt);
        return;
      }
      const params = new URLSearchParams({ service: service, delivery: delivery });
      if (service === "copy") params.set("ranges", ranges);
      if (service === "copy" && total && total.value.trim()) params.set("total_pages", total.value.trim());
      const call = ++latest;
      fetch(box.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (call !== latest) return;
          noteDelivery(body.field === "delivery" ? body.error : "");
          if (body.error) {
            show(body.error, body.field === "delivery");
            return;
          }
          const values = {
            pages: grouped(body.pages), pages_label: body.pages_label, currency: body.currency, copying: grouped(body.copying_fee),
            shipping: grouped(body.shipping_fee), total: grouped(body.total),
            total_pages: grouped(body.total_pages), allowed: grouped(body.most_pages_allowed),
          };
          // Over the one-third limit no fee is quoted: the copy cannot be made as asked.
          if (body.within_copyright_limit === false) {
            show(fill(box.dataset.formatOver, values), true);
            return;
          }
          let text = fill(service === "loan" ? box.dataset.formatLoan : box.dataset.format, values);
          if (body.within_copyright_limit === true) text += " " + fill(box.dataset.formatLimit, values);
          show(text);
        })
        .catch(function () {
          if (call === latest) show(box.dataset.unavailable);
        });
    }

    pages.addEventListener("input", debounce(update, 300));
    if (total) total.addEventListener("input", debounce(update, 300));
    form.querySelectorAll('input[name="service"], input[name="delivery"]').forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    if (pages.value.trim()) update();
  }

  function itemFields(form) {
    function toggle() {
      const type = checkedValue(form, "item_type");
      setHidden(["article_title", "serial_title", "volume", "issue", "issn"], type === "monograph");
      setHidden(["title", "isbn", "part_title", "part_author"], type === "article");
    }
    form.querySelectorAll('input[name="item_type"]').forEach(function (radio) {
      radio.addEventListener("change", toggle);
    });
    toggle();
  }

  function librarySearch(form) {
    const box = document.getElementById("library-search");
    const select = form.querySelector('select[name="requesting_library"]');
    const newLibrary = form.querySelector(".new-library");
    if (!box || !select) return;
    const input = document.getElementById("library-search-input");
    const status = document.getElementById("library-search-status");
    const results = document.getElementById("library-search-results");
    box.hidden = false;
    let latest = 0;

    function showNewLibrary() {
      // A library typed in by hand is only needed when none is chosen from the directory.
      if (newLibrary) newLibrary.hidden = Boolean(select.value) && !form.querySelector('[name="new_library_name"]').value;
    }

    function choose(result) {
      select.value = String(result.id);
      results.replaceChildren();
      status.textContent = fill(box.dataset.chosen, { name: result.name });
      showNewLibrary();
      select.focus();
    }

    function render(found, foundText, message) {
      results.replaceChildren();
      found.forEach(function (result) {
        const item = document.createElement("li");
        item.className = "list-group-item p-0";
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item-action btn w-100 py-2 px-3";
        button.textContent = result.name + (result.country ? " · " + result.country : "") + (result.city ? ", " + result.city : "");
        button.addEventListener("click", function () { choose(result); });
        item.appendChild(button);
        results.appendChild(item);
      });
      status.textContent = found.length ? foundText : message || box.dataset.none;
    }

    function search() {
      const text = input.value.trim();
      if (text.length < 2) {
        results.replaceChildren();
        status.textContent = "";
        return;
      }
      const call = ++latest;
      fetch(box.dataset.url + "?" + new URLSearchParams({ q: text }).toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) { if (call === latest) render(body.results || [], body.found || "", body.message); })
        .catch(function () { results.replaceChildren(); });
    }

    input.addEventListener("input", debounce(search, 250));
    input.addEventListener("keydown", function (event) {
      // Enter in the search box picks the first match instead of sending the form.
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = results.querySelector("button");
      if (first) first.click();
    });
    select.addEventListener("change", showNewLibrary);
    showNewLibrary();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector(".ill-request-form");
    if (!form) return;
    feePreview(form);
    itemFields(form);
    librarySearch(form);
  });
})();
