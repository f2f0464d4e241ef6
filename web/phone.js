// The phone app: MQTT over WebSocket, straight to the broker. It reads the light's state from
// <base>/state (retained, so it is right at once), the node's availability from <base>/status, and
// wall-switch flips from <base>; it sends only "on", "off" or "toggle" on <base>.
"use strict";
window.lightnodeConfig = fetch("/config.json").then(function (r) {
  return r.json();
});

window.lightnodeConfig.then(function (cfg) {
  var base = cfg.topic;
  var RETRY_MS = 1000;
  // A command not confirmed by the node's state within this time is marked not delivered.
  var CONFIRM_MS = 3000;
  // Own commands come back from the broker (MQTT 3.1.1 echoes them): skip them, not as flips.
  var OWN_ECHO_MS = 5000;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var light = null; // "on" | "off" | null (not known)
  var online = null; // true | false | null
  var own = [];
  var tries = 0;
  var everConnected = false;
  // The last command sent, until the node's state confirms it: { cmd, failed }.
  var pending = null;
  var pendingTimer = null;

  $("base").textContent = base;
  $("broker-url").textContent = cfg.mqtt;

  var client = mqtt.connect(cfg.mqtt, {
    clientId: "lightnode-web-" + Math.random().toString(16).slice(2, 10),
    protocolVersion: 4,
    clean: true,
    keepalive: 20,
    reconnectPeriod: RETRY_MS,
    connectTimeout: 3000
  });

  // look: "wait" (connecting), "up" or "down".
  function banner(look, text) {
    var b = $("banner");
    b.className = "banner " + look;
    b.textContent = text;
  }

  function down(why) {
    var what = everConnected ? "Connection to the broker lost" : "No answer from the broker";
    banner(
      "down",
      what +
        " at " +
        cfg.mqtt +
        (why ? " (" + why + ")" : "") +
        ". Retrying every " +
        RETRY_MS / 1000 +
        " s" +
        (tries ? ", " + tries + (tries > 1 ? " tries" : " try") : "") +
        "…"
    );
    render();
  }

  client.on("connect", function () {
    everConnected = true;
    tries = 0;
    banner("up", "Connected to the broker");
    client.subscribe([base, base + "/state", base + "/status"], { qos: 1 });
    render();
  });
  client.on("reconnect", function () {
    tries++;
    down();
  });
  client.on("close", function () {
    down();
  });
  client.on("offline", function () {
    down();
  });
  client.on("error", function (err) {
    down(err && err.message);
  });

  client.on("message", function (topic, payload, packet) {
    var p = payload.toString();
    if (topic === base + "/state") {
      light = p === "on" || p === "off" ? p : null;
      if (pending && (pending.cmd === "toggle" || pending.cmd === p)) settle(null);
    } else if (topic === base + "/status") {
      online = p === "online" ? true : p === "offline" ? false : null;
      // An offline node will not see a command still in flight (the broker does not keep it).
      if (online === false && pending) pending.failed = true;
    } else if (topic === base && !packet.retain) flip(p);
    render();
  });

  // A message on <base> that this page did not send: the wall switch (or another app).
  function flip(p) {
    var now = Date.now();
    own = own.filter(function (o) {
      return o.until > now;
    });
    for (var i = 0; i < own.length; i++) {
      if (own[i].payload === p) return void own.splice(i, 1);
    }
    var t = new Date();
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    $("flip").textContent = p + " at " + pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
  }

  // The command in flight: a new one (cmd), confirmed (null), or given up on (failed).
  function settle(cmd) {
    clearTimeout(pendingTimer);
    pending = cmd ? { cmd: cmd, failed: false } : null;
    if (cmd) {
      pendingTimer = setTimeout(function () {
        pending.failed = true;
        render();
      }, CONFIRM_MS);
    }
  }

  function hint(connected) {
    var cmd = pending ? "“" + pending.cmd + "”" : "";
    if (!connected) return everConnected ? "no broker connection" : "connecting to the broker…";
    if (online === false)
      return "node offline: it cannot be switched" + (pending ? " (" + cmd + " not delivered)" : "");
    if (pending)
      return pending.failed
        ? cmd + " not delivered: the node did not confirm it"
        : cmd + " sent, waiting for the node…";
    return light === "on"
      ? "press to switch off"
      : light === "off"
        ? "press to switch on"
        : "state not known: press to toggle";
  }

  function render() {
    var b = $("light");
    var connected = client.connected;
    b.className =
      "light " +
      (light || "unknown") +
      (online === false || !connected ? " stale" : "") +
      (pending && pending.failed ? " failed" : "");
    b.setAttribute("aria-pressed", light === "on" ? "true" : light === "off" ? "false" : "mixed");
    // A node known to be offline would lose the command: MQTT keeps none for it.
    b.disabled = !connected || online === false;
    $("light-state").textContent = light === "on" ? "Light on" : light === "off" ? "Light off" : "Light ?";
    $("light-hint").textContent = hint(connected);
    var a = $("avail");
    a.className = "badge " + (online === true ? "online" : online === false ? "offline" : "unknown");
    a.textContent = online === true ? "online" : online === false ? "offline" : "unknown";
  }

  $("light").addEventListener("click", function () {
    if (!client.connected || online === false) return;
    var cmd = light === "on" ? "off" : light === "off" ? "on" : "toggle";
    own.push({ payload: cmd, until: Date.now() + OWN_ECHO_MS });
    settle(cmd);
    client.publish(base, cmd, { qos: 1 });
    render();
  });

  // Not an error yet: the first answer takes a moment.
  banner("wait", "Connecting to the broker at " + cfg.mqtt + "…");
  render();
});
