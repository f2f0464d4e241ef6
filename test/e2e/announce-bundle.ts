// Root hook for the second end-to-end run: says which bundle the simulator boots.
export const mochaHooks = {
  beforeAll() {
    console.log(`  end-to-end on ${process.env.LIGHTNODE_BUNDLE || "build/firmware.js"}`);
  }
};
