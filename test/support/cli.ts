// `npm start` as the simulator's CLI tests run it: tsx on sim/cli.ts against a test broker, with its
// flash in a folder of the test's own and a known simulated access point.
import path from "node:path";

export const CLI_SSID = "testnet";
export const CLI_WIFI_PASSWORD = "pw-12345678";

// The command line (program first), with `extra` options after the common ones.
export function cliCommand(brokerUrl: string, dataDir: string, ...extra: string[]): string[] {
  return [
    path.resolve("node_modules/.bin/tsx"),
    "sim/cli.ts",
    "--broker",
    brokerUrl,
    "--data",
    dataDir,
    "--ssid",
    CLI_SSID,
    "--password",
    CLI_WIFI_PASSWORD,
    ...extra
  ];
}
