/*
 * The header bell: the unread count stays live over a WebSocket, and opening the bell loads the
 * latest notifications. Without JavaScript the bell is a link to the notifications page.
 * The same socket keeps the header's unread messages count live ("count" events).
 * A dropped socket reconnects with backoff (1 s doubling to 60 s) and then refetches what it missed.
 */
(function () {
  "use strict";
  var bell = document.querySelector("[data-notifications]");
  if (!bell) return;
  var count = bell.querySelector("[data-notifications-count]");
  var items = bell.querySelector("[data-notifications-items]");
  var csrf = bell.querySelector("input[name=csrfmiddlewaretoken]");
  var delay = 1000;

  var toggle = bell.querySelector("[data-bs-toggle]");
  var announcer = document.querySelector("[data-notifications-announce]");

  function showCount(unread) {
    var shown = unread > 99 ? "99+" : String(unread);
    count.textContent = shown;
    count.classList.toggle("d-none", unread === 0);
    // The bell's name carries the count: its aria-label would otherwise hide the badge from screen readers.
    toggle.setAttribute("aria-label", unread ? bell.dataset.labelUnread.replace("%(count)s", function () { return shown; }) : bell.dataset.label);
  }

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = bell.dataset.announceText.replace("%(text)s", function () { return text; });
    }, 100);
  }

  function showMessagesCount(unread) {
    var badge = document.querySelector("[data-messages-unread]");
    if (!badge) return;
    badge.querySelector("[data-count]").textContent = unread > 99 ? "99+" : String(unread);
    badge.classList.toggle("d-none", unread === 0);
  }

  function item(notification) {
    var li = document.createElement("li");
    li.className = "notification-item" + (notification.read ? "" : " notification-unread");
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/notifications/" + notification.id + "/open/";
    if (csrf) form.appendChild(csrf.cloneNode());
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "dropdown-item d-flex gap-2 text-wrap";
    var icon = document.createElement("i");
    icon.className = "bi bi-" + notification.icon + " text-body-secondary";
    icon.setAttribute("aria-hidden", "true");
    var body = document.createElement("span");
    var text = document.createElement("span");
    text.className = "d-block";
    text.textContent = notification.text;
    var when = document.createElement("span");
    when.className = "d-block small text-body-secondary";
    when.textContent = notification.when || "";
    if (!notification.read) { // said in words, not only by the background
      var fresh = document.createElement("span");
      fresh.className = "fw-semibold";
      fresh.textContent = " · " + bell.dataset.newText;
      when.appendChild(fresh);
    }
    body.append(text, when);
    button.append(icon, body);
    form.appendChild(button);
    li.appendChild(form);
    return li;
  }

  function load() {
    fetch(bell.dataset.latestUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        showCount(data.unread);
        if (data.counts && typeof data.counts.messages === "number") showMessagesCount(data.counts.messages);
        items.replaceChildren();
        if (!data.items.length) {
          var empty = document.createElement("li");
          empty.className = "px-3 py-3 small text-body-secondary";
          empty.textContent = bell.dataset.emptyText;
          items.appendChild(empty);
        }
        data.items.forEach(function (n) { items.appendChild(item(n)); });
      })
      .catch(function () { /* the page link still works */ });
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + bell.dataset.socket);
    var ping = null;
    socket.addEventListener("open", function () {
      if (delay > 1000) load(); // back after a drop: catch up
      delay = 1000;
      ping = window.setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, 30000);
    });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "count" && data.name === "messages") {
        showMessagesCount(data.unread);
        return;
      }
      if (data.type !== "notification") return;
      showCount(data.unread);
      announce(data.text);
      if (bell.querySelector(".dropdown-menu.show")) load();
      bell.dispatchEvent(new CustomEvent("notification", { detail: data }));
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(ping);
      if (event.code === 4401) return; // signed out: nothing to listen for
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  bell.addEventListener("show.bs.dropdown", load);
  connect();
})();
