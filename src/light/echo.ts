// MQTT 3.1.1 sends a client its own publications on topics it subscribes to. The node publishes
// switch flips on the command topic it also listens to, so each one comes back. Acting on it would
// be harmless alone, but after quick flips on-off-on the echoes arrive late ("on", "off", "on")
// and would drag the light through old states, or loop. So each own publication is counted per
// exact payload, and that many matching messages are dropped. A phone's "ON" or "1" never matches
// the node's "on". Counts expire WINDOW_MS after the last own send (a lost echo must not swallow a
// later command forever); refresh() re-arms them after a reconnect, when the MQTT client resends
// unacknowledged publications whose echoes are still to come. Keys get a "_" prefix: on Espruino
// every object inherits `on` and `emit`, so pending["on"] would be a function.

export var WINDOW_MS = 5000;

export interface Echo {
  sent(payload: string): void;
  refresh(): void;
  // True (and counted) when `payload` is the echo of an own publication.
  isEcho(payload: string): boolean;
}

export function createEcho(): Echo {
  var pending: { [payload: string]: number } = {};
  var until = 0;
  return {
    sent: function (payload: string) {
      var k = "_" + payload;
      pending[k] = (pending[k] || 0) + 1;
      until = Date.now() + WINDOW_MS;
    },
    refresh: function () {
      until = Date.now() + WINDOW_MS;
    },
    isEcho: function (payload: string) {
      if (Date.now() > until) pending = {};
      var k = "_" + payload;
      if (!(pending[k] > 0)) return false;
      pending[k]--;
      return true;
    }
  };
}
