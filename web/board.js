// The simulated board: what the page's server sees of the simulator (server-sent events from
// /events), and the board's two hands-on parts, the wall switch and the access point (POSTs).
"use strict";
window.lightnodeConfig.then(function (cfg) {
  if (!cfg.board) return;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var section = $("board");
  section.hidden = false;
  var board = null;
  var term = terminal($("console"));

  function post(path) {
    return fetch(path, { method: "POST", headers: { "X-Lightnode": "board" } });
  }

  // The event stream closed: the simulator stopped (or the page's server went away). Nothing shown
  // is known any more and nothing can be pressed, until it answers again (EventSource retries).
  function gone() {
    board = null;
    section.classList.add("gone");
    $("board-status").hidden = false;
    $("board-status").textContent = "The simulator stopped (or cannot be reached): nothing here is live. Retrying…";
    $("switch").disabled = true;
    $("ap").disabled = true;
    $("relay").textContent = "?";
    $("relay-lamp").className = "lamp";
    $("led").textContent = "?";
    $("led-dot").className = "led";
    var items = $("states").children;
    for (var i = 0; i < items.length; i++) {
      items[i].classList.remove("current");
      items[i].removeAttribute("aria-current");
    }
  }

  function render() {
    var b = board;
    section.classList.remove("gone");
    $("board-status").hidden = true;
    $("switch").disabled = false;
    $("ap").disabled = false;
    $("relay-pin").textContent = b.pins.relay;
    $("relay").textContent = b.relay ? "on" : "off";
    $("relay-lamp").className = "lamp" + (b.relay ? " on" : "");
    $("led-pin").textContent = b.pins.led || "none";
    $("led").textContent = b.led ? "lit" : "dark";
    $("led-dot").className = "led" + (b.led ? " lit" : "");
    var sw = $("switch");
    var button = b.mode === "button";
    sw.setAttribute("aria-checked", b.pressed ? "true" : "false");
    sw.setAttribute("role", button ? "button" : "switch");
    if (button) sw.removeAttribute("aria-checked");
    sw.classList.toggle("held", button && b.pressed);
    $("switch-label").textContent = button ? (b.pressed ? "Held" : "Press") : "Flip";
    $("switch-mode").textContent = button ? "push button (mode button)" : "wall switch (mode " + b.mode + ")";
    $("ap").setAttribute("aria-checked", b.ap ? "true" : "false");
    $("ap-label").textContent = b.ap ? "up" : "down";
    var items = $("states").children;
    for (var i = 0; i < items.length; i++) {
      var current = items[i].getAttribute("data-state") === b.state;
      items[i].classList.toggle("current", current);
      if (current) items[i].setAttribute("aria-current", "step");
      else items[i].removeAttribute("aria-current");
    }
    $("firmware").textContent = b.version
      ? b.version + (b.set ? " (set " + b.set + (b.trial ? "; set " + b.trial + " on trial" : "") + ")" : "")
      : "not booted yet";
    if (!b.set) $("update").textContent = "needs a 4 MB board (this one runs one set of files)";
    // The flash holds another base topic than the phone app listens to: start again with it.
    if (b.topic !== cfg.topic) location.reload();
  }

  // The update's state as the node says it (retained on <base>/ota/state: receiving n%, checking,
  // switching, confirmed, rolled back, refused: why), over a connection of the panel's own.
  var updates = mqtt.connect(cfg.mqtt, {
    clientId: "lightnode-board-" + Math.random().toString(16).slice(2, 10),
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 3000
  });
  updates.on("connect", function () {
    updates.subscribe(cfg.topic + "/ota/state", { qos: 1 });
  });
  updates.on("message", function (topic, payload) {
    if (board && board.set) $("update").textContent = payload.toString() || "none";
  });

  var events = new EventSource("/events");
  events.onerror = gone;
  events.onmessage = function (m) {
    var e = JSON.parse(m.data);
    if (e.t === "console") return term.write(e.text);
    board = e.board;
    if (e.t === "snapshot") {
      term.clear();
      term.write(e.console);
    }
    render();
  };

  // The wall switch: a click flips a latching switch; a push button is held while the pointer or
  // Space/Enter is down.
  var sw = $("switch");
  var held = false;
  function hold(on) {
    if (held === on) return;
    held = on;
    post(on ? "/board/press" : "/board/release");
  }
  sw.addEventListener("click", function () {
    if (board && board.mode !== "button") post("/board/flip");
  });
  sw.addEventListener("pointerdown", function (e) {
    if (!board || board.mode !== "button") return;
    sw.setPointerCapture(e.pointerId);
    hold(true);
  });
  ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (t) {
    sw.addEventListener(t, function () {
      hold(false);
    });
  });
  sw.addEventListener("keydown", function (e) {
    if (!board || board.mode !== "button" || (e.key !== " " && e.key !== "Enter")) return;
    e.preventDefault();
    if (!e.repeat) hold(true);
  });
  sw.addEventListener("keyup", function (e) {
    if (e.key === " " || e.key === "Enter") hold(false);
  });
  sw.addEventListener("blur", function () {
    hold(false);
  });

  $("ap").addEventListener("click", function () {
    if (board) post("/board/ap?up=" + (board.ap ? "0" : "1"));
  });

  // The console as a serial terminal shows it: carriage return, backspace, and the two escape
  // sequences the REPL uses to take its prompt away (cursor up, erase to the end).
  function terminal(pre) {
    var MAX_LINES = 400;
    var lines = [""];
    var row = 0;
    var col = 0;
    var esc = "";
    var queued = false;
    function put(ch) {
      var l = lines[row];
      while (l.length < col) l += " ";
      lines[row] = l.slice(0, col) + ch + l.slice(col + 1);
      col++;
    }
    function escape(seq) {
      var n = parseInt(seq.slice(1), 10) || 1;
      var cmd = seq.charAt(seq.length - 1);
      if (cmd === "A") row = Math.max(0, row - n);
      else if (cmd === "J") {
        lines[row] = lines[row].slice(0, col);
        lines.length = row + 1;
      } else if (cmd === "K") lines[row] = lines[row].slice(0, col);
    }
    function show() {
      queued = false;
      var atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = lines.join("\n");
      if (atEnd) pre.scrollTop = pre.scrollHeight;
    }
    return {
      clear: function () {
        lines = [""];
        row = col = 0;
        esc = "";
      },
      write: function (text) {
        for (var i = 0; i < text.length; i++) {
          var ch = text.charAt(i);
          if (esc) {
            esc += ch;
            if (/[A-Za-z]/.test(ch) && esc.length > 1) {
              escape(esc.slice(1));
              esc = "";
            }
          } else if (ch === "\x1b") esc = "\x1b";
          else if (ch === "\n") {
            row++;
            col = 0;
            if (row >= lines.length) lines.push("");
          } else if (ch === "\r") col = 0;
          else if (ch === "\b") col = Math.max(0, col - 1);
          else if (ch >= " ") put(ch);
        }
        if (lines.length > MAX_LINES) {
          var cut = lines.length - MAX_LINES;
          lines = lines.slice(cut);
          row = Math.max(0, row - cut);
        }
        if (!queued) {
          queued = true;
          setTimeout(show, 30);
        }
      }
    };
  }
});
