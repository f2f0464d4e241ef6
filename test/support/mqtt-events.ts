// The MQTT client reports its connection events through one callback (onEvent); the tests read
// better with a handler per event. The handlers object is read at each event, so a test may
// replace one handler later.
import { CloseReason, MqttClient, MqttEvent } from "../../src/mqtt/api";

export interface EventHandlers {
  connected?: (sessionPresent: boolean) => void;
  closed?: (reason: CloseReason) => void;
  drained?: () => void;
  // A PUBLISH over the client's limit was dropped: its topic and size in bytes.
  dropped?: (topic: string, size: number) => void;
}

export function onEvents(client: MqttClient, handlers: EventHandlers): EventHandlers {
  client.onEvent = (event, arg, size) => {
    if (event == MqttEvent.CONNECTED) handlers.connected?.(arg as boolean);
    else if (event == MqttEvent.CLOSED) handlers.closed?.(arg as CloseReason);
    else if (event == MqttEvent.DRAINED) handlers.drained?.();
    else if (event == MqttEvent.DROPPED) handlers.dropped?.(arg as string, size as number);
    else throw new Error("unknown MQTT event " + event);
  };
  return handlers;
}
