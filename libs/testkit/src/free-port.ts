// A loopback port nothing listens on right now (the runtime's choice, below the ephemeral range).
export { freePort } from "@reviewlens/runtime/free-port";
