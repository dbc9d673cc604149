/*
 * A filter box above each time-zone select (select[data-timezone-picker]): typing "kyiv", "new york"
 * or "+2" narrows the list to the matching zones and picks the first of them. A progressive
 * enhancement: without JavaScript the plain select works as it is. The texts come translated from
 * the select's data- attributes (accounts.forms.TimezoneField).
 */
(function () {
  "use strict";

  function normalise(text) {
    return text.toLowerCase().replace(/_/g, " ").replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    // Every option once, with its optgroup, in the server's order; the optgroup elements are reused.
    var children = Array.prototype.slice.call(select.children);
    var entries = [];
    children.forEach(function (child) {
      var options = child.tagName === "OPTGROUP" ? Array.prototype.slice.call(child.children) : [child];
      options.forEach(function (option) {
        entries.push({
          option: option,
          group: child.tagName === "OPTGROUP" ? child : null,
          text: normalise(option.textContent + " " + option.value)
        });
      });
    });

    var group = document.createElement("div");
    group.className = "input-group timezone-filter-group mb-2";
    var icon = document.createElement("span");
    icon.className = "input-group-text";
    icon.setAttribute("aria-hidden", "true");
    icon.innerHTML = '<i class="bi bi-search"></i>';
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-filter";
    input.className = "form-control timezone-filter";
    input.autocomplete = "off";
    input.placeholder = select.getAttribute("data-filter-placeholder") || "";
    input.setAttribute("aria-label", select.getAttribute("data-filter-label") || "");
    input.setAttribute("aria-controls", select.id);

    var status = document.createElement("div");
    status.id = select.id + "-filter-status";
    status.className = "form-text timezone-filter-status mt-0 mb-2";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);

    group.appendChild(icon);
    group.appendChild(input);
    select.parentNode.insertBefore(group, select);
    select.parentNode.insertBefore(status, select);

    function show(visible) {
      children.forEach(function (child) {
        if (child.tagName === "OPTGROUP") {
          while (child.firstChild) {
            child.removeChild(child.firstChild);
          }
        }
      });
      while (select.firstChild) {
        select.removeChild(select.firstChild);
      }
      visible.forEach(function (entry) {
        if (entry.group) {
          entry.group.appendChild(entry.option);
          if (entry.group.parentNode !== select) {
            select.appendChild(entry.group);
          }
        } else {
          select.appendChild(entry.option);
        }
      });
    }

    function filter() {
      var words = normalise(input.value).split(" ").filter(Boolean);
      var current = select.value;
      var matches = entries.filter(function (entry) {
        return words.every(function (word) {
          return entry.text.indexOf(word) !== -1;
        });
      });
      var none = words.length > 0 && matches.length === 0;
      show(none ? entries : matches);
      input.classList.toggle("is-invalid", none);
      if (none) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      var kept = matches.some(function (entry) {
        return entry.option.value === current;
      });
      if (kept || none) {
        select.value = current;
      } else {
        select.value = matches[0].option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      // Said, not only shown: how many match and which zone the select now holds.
      var chosen = select.options[select.selectedIndex];
      if (none) {
        status.textContent = select.getAttribute("data-no-match") || "";
      } else if (words.length && chosen) {
        status.textContent = (select.getAttribute("data-matches") || "")
          .replace("%(count)s", String(matches.length))
          .replace("%(zone)s", chosen.textContent);
      } else {
        status.textContent = "";
      }
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter chooses the zone shown, it does not submit the form half filled in.
        event.preventDefault();
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-timezone-picker]").forEach(enhance);
})();
