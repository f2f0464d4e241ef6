// The bench's stand-in for the ESP8266 around the firmware, run on Espruino built for Linux as the
// Storage file .boot0 (so before .bootcde, as on the board): the Wifi and ESP8266 modules, which
// the Linux build lacks; the pins, whose Linux versions drive /sys/class/gpio; and Serial1 as the
// console device: the telnet console the bench and the tests drive (bench/board/interpreter.ts),
// with TelnetServer kept on whatever the firmware asks (its "off" would close that console). Its
// own variables are measured apart from the firmware's.
// Hooks: BENCH.flip(level) moves the wall switch; relay writes print "#R<level>" (pinMode of the
// relay "#M<mode>") and set
// BENCH.relay; BENCH.telnet is the last mode the firmware set; BENCH.peak holds the highest usage
// seen by a 5 ms sampler (BENCH.sample(false) stops it).
var BENCH = { peak: 0, level: 1, watch: 0, timer: 0, relay: 0, telnet: "" };
BENCH.sample = function (on) {
  if (BENCH.timer) clearInterval(BENCH.timer);
  BENCH.timer =
    on &&
    setInterval(function () {
      var u = process.memory().usage;
      if (u > BENCH.peak) BENCH.peak = u;
    }, 5);
};
BENCH.flip = function (level) {
  BENCH.level = level;
  if (BENCH.watch) BENCH.watch({ state: level, time: getTime() });
};
// n flips, one every ms, then "#F": the bench starts them with one line, since the Linux build's
// console input (a thread without locking) can corrupt its event queue under a flood of lines.
BENCH.flips = function (n, ms) {
  var i = 0;
  var timer = setInterval(function () {
    BENCH.flip(i % 2 ? 1 : 0);
    if (++i >= n) {
      clearInterval(timer);
      print("#F");
    }
  }, ms);
};
Modules.addCached("Wifi", function () {
  var station = "off";
  exports.connect = function (ssid, options, callback) {
    station = "connecting";
    setTimeout(function () {
      station = "connected";
      exports.emit("connected", { ip: "127.0.0.1", mask: "255.0.0.0", gw: "127.0.0.1" });
      if (callback) callback(null);
    }, 20);
  };
  exports.disconnect = function (callback) {
    var was = station;
    station = "off";
    if (was == "connected")
      exports.emit("disconnected", { ssid: "bench", mac: "00:00:00:00:00:00", reason: "assoc_leave" });
    if (callback) setTimeout(callback, 1);
  };
  exports.getStatus = function () {
    return { station: station };
  };
  exports.getIP = function () {
    return { ip: "127.0.0.1" };
  };
  exports.getDetails = function () {
    return { rssi: -60, ssid: "bench" };
  };
  exports.setHostname = function () {};
});
Modules.addCached("ESP8266", function () {
  exports.getResetInfo = function () {
    return { reason: 6 };
  };
  exports.getState = function () {
    return { freeHeap: 20000 };
  };
});
// Root-level names shadow the built-in functions of the same name for all code run after this.
var digitalWrite = function (pin, value) {
  if (String(pin) == "D12") {
    BENCH.relay = value ? 1 : 0;
    print("#R" + BENCH.relay);
  }
};
var digitalRead = function () {
  return BENCH.level;
};
var pinMode = function (pin, mode) {
  if (String(pin) == "D12") print("#M" + mode);
};
var setWatch = function (fn) {
  BENCH.watch = fn;
  return 1;
};
var clearWatch = function () {
  BENCH.watch = 0;
};
var Serial1 = Telnet;
Modules.addCached("TelnetServer", function () {
  exports.setOptions = function (options) {
    BENCH.telnet = options.mode;
  };
});
