// What was typed in a page's forms survives a change of language (the switcher in templates/base.html
// posts to set_language and the page comes back in the other language). Just before the switch the
// fields are kept in this tab's sessionStorage, never in the address; the page read back in the other
// language puts them back at once, before the page's own scripts read the form, and forgets them.
// Passwords, hidden fields (the CSRF token, a form's submission key) and files are never kept.
(function () {
  "use strict";

  const PREFIX = "nlk-kept-form:";
  // Kept fields wait this long for the page to come back, then are forgotten unread.
  const MAX_AGE_MS = 10 * 60 * 1000;
  const SKIPPED_TYPES = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  function keptForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return !form.classList.contains("language-switcher") && (form.method || "").toLowerCase() === "post";
    });
  }

  // A review step carries what was typed in hidden fields (data-keep-typed="all"): those are kept too, and
  // are put back in the form's own fields on the page the switch leads to.
  function keepsHidden(form) {
    return form.dataset.keepTyped === "all";
  }

  function keptFields(form, withHidden) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
      if (field.type === "hidden" && withHidden) return true;
      if (SKIPPED_TYPES.indexOf(field.type) !== -1) return false;
      // A field hidden from everyone (the form's trap for robots) is not the reader's typing.
      return !field.closest('[aria-hidden="true"]');
    });
  }

  function formKey(form, index) {
    return location.pathname + "#" + (form.id || form.getAttribute("action") || "") + "#" + index;
  }

  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.type === "select-one" || field.type === "select-multiple") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  function keep() {
    const store = storage();
    if (!store) return;
    keptForms().forEach(function (form, index) {
      // A form as the page gave it holds nothing of the reader's: the page in the other language gives it again.
      if (!keepsHidden(form) && !keptFields(form).some(changed)) return;
      const values = keptFields(form, keepsHidden(form)).map(function (field) {
        if (field.type === "hidden") return { name: field.name, value: field.value, hidden: true };
        if (field.type === "checkbox" || field.type === "radio") {
          return { name: field.name, value: field.value, checked: field.checked };
        }
        if (field.type === "select-multiple") {
          const chosen = Array.prototype.filter.call(field.options, function (option) { return option.selected; });
          return { name: field.name, values: chosen.map(function (option) { return option.value; }) };
        }
        return { name: field.name, value: field.value };
      });
      try {
        store.setItem(PREFIX + formKey(form, index), JSON.stringify({ at: Date.now(), values: values }));
      } catch (error) {
        // A full or refused storage only means the typing is not kept, as before.
      }
    });
  }

  function restoreField(form, kept, position) {
    const fields = keptFields(form).filter(function (field) { return field.name === kept.name; });
    fields.forEach(function (field) {
      if (kept.hidden && field.type === "checkbox") {
        // A box ticked on the form is carried by the review step as "True".
        field.checked = ["true", "on", field.value.toLowerCase()].indexOf(kept.value.toLowerCase()) !== -1;
      } else if (kept.hidden && field.type === "radio") {
        field.checked = field.value === kept.value;
      } else if (field.type === "checkbox" || field.type === "radio") {
        if (field.value === kept.value) field.checked = kept.checked;
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = (kept.values || []).indexOf(option.value) !== -1;
        });
      } else if (fields.length === 1 || fields.indexOf(field) === position) {
        field.value = kept.value;
      }
    });
  }

  function restore() {
    const store = storage();
    if (!store) return null;
    let restored = null;
    keptForms().forEach(function (form, index) {
      const key = PREFIX + formKey(form, index);
      const raw = store.getItem(key);
      if (raw === null) return;
      store.removeItem(key);
      let kept;
      try {
        kept = JSON.parse(raw);
      } catch (error) {
        return;
      }
      if (!kept || !Array.isArray(kept.values) || Date.now() - kept.at > MAX_AGE_MS) return;
      const seen = {};
      kept.values.forEach(function (value) {
        // Two text fields of one name are put back in their order.
        const position = seen[value.name] = (seen[value.name] === undefined ? 0 : seen[value.name] + 1);
        restoreField(form, value, position);
        restored = restored || form;
      });
    });
    return restored;
  }

  function forgetStale() {
    const store = storage();
    if (!store) return;
    for (let i = store.length - 1; i >= 0; i--) {
      const key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) store.removeItem(key);
    }
  }

  function announce(switcher, form) {
    const text = switcher && switcher.dataset.kept;
    if (!text) return;
    const note = document.createElement("p");
    note.className = "alert alert-info py-2 kept-typing";
    note.setAttribute("role", "status");
    note.textContent = text;
    form.parentNode.insertBefore(note, form);
  }

  const switcher = document.querySelector("form.language-switcher");
  const restored = restore();
  if (restored) announce(switcher, restored);
  // Whatever another page kept and never read back is not carried further.
  forgetStale();
  if (switcher) switcher.addEventListener("submit", keep);
})();
