// The phone app: MQTT over WebSocket, straight to the broker. It reads the light's state from
// <base>/state (retained, so it is right at once), the node's availability from <base>/status, and
// wall-switch flips from <base>; it sends only "on", "off" or "toggle" on <base>.
"use strict";
window.lightnodeConfig = fetch("/config.json").then(function (r) { return r.json(); });

window.lightnodeConfig.then(function (cfg) {
  var base = cfg.topic;
  var RETRY_MS = 1000;
  // Own commands come back from the broker (MQTT 3.1.1 echoes them): skip them, not as flips.
  var OWN_ECHO_MS = 5000;
  var $ = function (id) { return document.getElementById(id); };
  var light = null; // "on" | "off" | null (not known)
  var online = null; // true | false | null
  var own = [];
  var tries = 0;
  var everConnected = false;

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

  function banner(up, text) {
    var b = $("banner");
    b.className = "banner " + (up ? "up" : "down");
    b.textContent = text;
  }

  function down(why) {
    var what = everConnected ? "Connection to the broker lost" : "No answer from the broker";
    banner(false, what + " at " + cfg.mqtt + (why ? " (" + why + ")" : "") + ". Retrying every " + RETRY_MS / 1000 + " s" + (tries ? ", " + tries + (tries > 1 ? " tries" : " try") : "") + "…");
    render();
  }

  client.on("connect", function () {
    everConnected = true;
    tries = 0;
    banner(true, "Connected to the broker");
    client.subscribe([base, base + "/state", base + "/status"], { qos: 1 });
    render();
  });
  client.on("reconnect", function () { tries++; down(); });
  client.on("close", function () { down(); });
  client.on("offline", function () { down(); });
  client.on("error", function (err) { down(err && err.message); });

  client.on("message", function (topic, payload, packet) {
    var p = payload.toString();
    if (topic === base + "/state") light = p === "on" || p === "off" ? p : null;
    else if (topic === base + "/status") online = p === "online" ? true : p === "offline" ? false : null;
    else if (topic === base && !packet.retain) flip(p);
    render();
  });

  // A message on <base> that this page did not send: the wall switch (or another app).
  function flip(p) {
    var now = Date.now();
    own = own.filter(function (o) { return o.until > now; });
    for (var i = 0; i < own.length; i++) {
      if (own[i].payload === p) return void own.splice(i, 1);
    }
    var t = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    $("flip").textContent = p + " at " + pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds());
  }

  function render() {
    var b = $("light");
    var connected = client.connected;
    b.className = "light " + (light || "unknown") + (online === false || !connected ? " stale" : "");
    b.setAttribute("aria-pressed", light === "on" ? "true" : light === "off" ? "false" : "mixed");
    b.disabled = !connected;
    $("light-state").textContent = light === "on" ? "Light on" : light === "off" ? "Light off" : "Light ?";
    $("light-hint").textContent = !connected ? "no broker connection" : light === "on" ? "press to switch off" : light === "off" ? "press to switch on" : "state not known: press to toggle";
    var a = $("avail");
    a.className = "badge " + (online === true ? "online" : online === false ? "offline" : "unknown");
    a.textContent = online === true ? "online" : online === false ? "offline" : "unknown";
  }

  $("light").addEventListener("click", function () {
    if (!client.connected) return;
    var cmd = light === "on" ? "off" : light === "off" ? "on" : "toggle";
    own.push({ payload: cmd, until: Date.now() + OWN_ECHO_MS });
    client.publish(base, cmd, { qos: 1 });
  });

  down();
  render();
});
