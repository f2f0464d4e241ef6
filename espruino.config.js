// Build-time board profile: read by scripts/build.mjs (pins are baked into the bundle) and
// scripts/flash.mjs (serial port, baud rate, board). Defaults match a Sonoff Basic.
module.exports = {
  // Serial port of the board; `npm run flash -- --port /dev/ttyUSB1` overrides it.
  port: process.env.ESPRUINO_PORT || "/dev/ttyUSB0",
  baud: 115200,
  // Espruino board id, used by the espruino CLI (ESP8266_BOARD = 512 KB, ESP8266_4MB = 4 MB).
  board: "ESP8266_4MB",
  pins: {
    relay: "D12", // relay coil driver
    relayActiveLow: false,
    button: "D0", // wall switch / push button input
    buttonPressedLow: true,
    led: "D13", // status LED, or null for none
    ledActiveLow: true
  }
};
