/*
 * Small progressive enhancements; every page works without them.
 * - Remember the browser's time zone in a cookie so anonymous visitors see times in their own zone
 *   (a first page with times, drawn before the cookie existed, is drawn again once).
 * - Pre-select the browser's zone in time-zone selects that have not been chosen yet.
 * - Bring the current item of the settings menu into view where it is one sideways row (a phone).
 * - Show a person's initials where their photo cannot be loaded.
 */
(function () {
  "use strict";
  var tz;
  try {
    tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!tz) {
    return;
  }
  // Some browsers still report old names of renamed zones.
  var renamed = {
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu"
  };
  tz = renamed[tz] || tz;
  var cookie = "tz=" + encodeURIComponent(tz);
  if (document.cookie.split("; ").indexOf(cookie) === -1) {
    document.cookie = cookie + "; path=/; max-age=31536000; samesite=lax";
  }
  // A visitor's first page (no cookie yet) shows times in the site's zone: draw it again, once, in
  // theirs, so that nobody picks "13:00" meaning another hour. Pages with times mark the zone they
  // were drawn in (data-visitor-tz); no cookie or no storage, no reload: the next page is right.
  var drawn = document.querySelector("[data-visitor-tz]");
  if (drawn && drawn.getAttribute("data-visitor-tz") !== tz && document.cookie.split("; ").indexOf(cookie) !== -1) {
    try {
      if (window.sessionStorage.getItem("tz-redrawn") !== tz) {
        window.sessionStorage.setItem("tz-redrawn", tz);
        window.location.reload();
        return;
      }
    } catch (e) {
      // storage refused: leave the page as it is
    }
  }
  document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === tz; });
    if (known) {
      select.value = tz;
    }
  });
})();

/*
 * A "Copy" button: <button data-copy="#field"> copies the field's value (the field stays selectable
 * by hand where the clipboard is not allowed). One drawn "hidden" shows only where it can work (with
 * scripts and a clipboard); with data-copied="Copied" it says so once done.
 */
(function () {
  "use strict";
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    // The focus stays on the button (selecting the field would move it there and talk over "Copied").
    var byHand = function () { field.select(); };
    if (!navigator.clipboard) {
      byHand();
      return;
    }
    navigator.clipboard.writeText(field.value).then(
      function () {
        button.classList.add("active");
        if (button.hasAttribute("data-copied")) {
          button.textContent = button.getAttribute("data-copied");
        }
      },
      byHand // not allowed here: the field is selected, to copy by hand
    );
  });
})();

/*
 * After a refused submit, the focus goes to what to fix (WCAG 3.3.1): the form's own errors
 * (crispy's, data-form-errors) or else its first field marked invalid, so keyboard and screen-reader
 * users start there instead of at the top of the page.
 */
(function () {
  "use strict";
  var target = document.querySelector("main [data-form-errors], main form .is-invalid, main form [aria-invalid=true]");
  if (!target || document.activeElement && document.activeElement !== document.body) {
    return;
  }
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
})();

/*
 * A form whose message starts from a template per subject (<select data-message-templates='{json}'
 * data-message-field="id">): choosing another subject swaps the template, as long as the message is
 * still empty or an untouched template. Anything the person typed stays.
 */
(function () {
  "use strict";
  document.querySelectorAll("select[data-message-templates]").forEach(function (select) {
    var templates;
    try {
      templates = JSON.parse(select.getAttribute("data-message-templates"));
    } catch (e) {
      return;
    }
    var field = document.getElementById(select.getAttribute("data-message-field"));
    if (!field) {
      return;
    }
    var untouched = function (text) {
      var value = text.replace(/\r\n/g, "\n").trim();
      return value === "" || Object.keys(templates).some(function (key) {
        return templates[key].trim() === value;
      });
    };
    select.addEventListener("change", function () {
      if (untouched(field.value) && Object.prototype.hasOwnProperty.call(templates, select.value)) {
        field.value = templates[select.value];
      }
    });
  });
})();

// The settings menu, one sideways-scrolling row on a phone: the current page's item is in view.
(function () {
  var current = document.querySelector(".security-nav .active");
  if (!current) {
    return;
  }
  var show = function () {
    var nav = current.parentElement;
    if (nav.scrollWidth > nav.clientWidth) {  // after the fonts: their widths decide the row's
      nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
  };
  if (document.readyState === "complete") {
    show();
  } else {
    window.addEventListener("load", show);
  }
})();

// A profile photo that cannot be loaded (its file gone from storage) gives way to the person's initials.
(function () {
  var toInitials = function (img) {
    var span = document.createElement("span");
    span.className = img.className + " avatar-colour-" + img.getAttribute("data-colour");
    span.textContent = img.getAttribute("data-initials");
    if (img.alt) {
      span.setAttribute("role", "img");
      span.setAttribute("aria-label", img.alt);
    } else {
      span.setAttribute("aria-hidden", "true");
    }
    img.replaceWith(span);
  };
  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement && event.target.hasAttribute("data-initials")) {
      toInitials(event.target);
    }
  }, true);
  document.querySelectorAll("img[data-initials]").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0) {  // failed before this script ran
      toInitials(img);
    }
  });
})();
