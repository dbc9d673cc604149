/*
 * An open conversation: new messages arrive over a WebSocket and are appended; the form is sent with
 * fetch (the page still works as a plain form without JavaScript). A dropped socket reconnects with
 * backoff (1 s doubling to 60 s) and then fetches the messages it missed, after the last one shown.
 * Data comes from data- attributes: a strict Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-conversation]");
  if (!root) return;
  var list = root.querySelector("[data-messages-list]");
  var form = root.querySelector("[data-message-form]");
  var errorBox = root.querySelector("[data-message-error]");
  var lastId = parseInt(root.dataset.lastId, 10) || 0;
  var delay = 1000;
  var readTimer = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function render(message) {
    var li = document.createElement("li");
    li.className = "message" + (message.mine ? " message-mine" : "");
    li.id = "message-" + message.id;
    li.dataset.messageId = String(message.id);
    var meta = document.createElement("div");
    meta.className = "message-meta small text-body-secondary";
    var name = document.createElement("span");
    name.className = "fw-semibold";
    name.textContent = message.sender;
    meta.append(name, document.createTextNode(" · " + message.when));
    var body = document.createElement("div");
    body.className = "message-body";
    message.body.split("\n").forEach(function (line, i) {
      if (i) body.appendChild(document.createElement("br"));
      body.appendChild(document.createTextNode(line));
    });
    li.append(meta, body);
    return li;
  }

  function markRead() {
    window.clearTimeout(readTimer);
    readTimer = window.setTimeout(function () {
      fetch(root.dataset.readUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
      }).catch(function () { /* read on the next visit */ });
    }, 500);
  }

  function append(message) {
    if (message.id <= lastId || document.getElementById("message-" + message.id)) return;
    var empty = root.querySelector("[data-messages-empty]");
    if (empty) empty.remove();
    list.appendChild(render(message));
    lastId = message.id;
    if (!message.mine) markRead();
    list.lastElementChild.scrollIntoView({ block: "nearest" });
  }

  function catchUp() {
    fetch(root.dataset.afterUrl + "?after=" + lastId, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) data.messages.forEach(append); })
      .catch(function () { /* the next reconnect tries again */ });
  }

  // The error is the message box's description while it shows (aria-invalid, aria-describedby).
  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text || "";
    errorBox.classList.toggle("d-none", !text);
    var field = form && form.querySelector("textarea");
    if (!field) return;
    if (!errorBox.id) errorBox.id = "message-error";
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== errorBox.id;
    });
    if (text) {
      described.push(errorBox.id);
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
    if (described.length) field.setAttribute("aria-describedby", described.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  if (form && window.fetch && window.FormData) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // Not button.disabled: a disabled button drops the keyboard focus to the page's start.
      if (sending) return;
      sending = true;
      var button = form.querySelector("button[type=submit]");
      button.setAttribute("aria-disabled", "true");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (result.ok) {
            showError("");
            form.reset();
            append(result.data.message);
            form.querySelector("textarea").focus(); // ready for the next one
          } else {
            showError(result.data.error);
            form.querySelector("textarea").focus();
          }
        })
        .catch(function () { form.submit(); }) // no answer: send the plain form instead
        .finally(function () {
          sending = false;
          button.removeAttribute("aria-disabled");
        });
    });
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    var ping = null;
    socket.addEventListener("open", function () {
      catchUp(); // what arrived while the page loaded, or while the socket was down
      delay = 1000;
      ping = window.setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, 30000);
    });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "message") append(data);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(ping);
      if (event.code === 4401 || event.code === 4403) return; // signed out or not a participant
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  connect();
})();
