// TLS and mTLS for gRPC, from files named in the environment (secrets never inline).
import { readFileSync } from "node:fs";
import { ChannelCredentials, ServerCredentials } from "@grpc/grpc-js";

export interface ServerTlsFiles {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** With a client CA, clients must present a certificate it signed (mTLS). */
  clientCaFile?: string | undefined;
}

export function serverCredentials(tls: ServerTlsFiles): ServerCredentials {
  if (!tls.certFile && !tls.keyFile) return ServerCredentials.createInsecure();
  if (!tls.certFile || !tls.keyFile) throw new Error("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  const ca = tls.clientCaFile ? readFileSync(tls.clientCaFile) : null;
  return ServerCredentials.createSsl(ca, [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }], ca !== null);
}

export interface ClientTlsFiles {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/** Insecure unless a CA (or a client certificate for mTLS) is configured. */
export function channelCredentials(tls: ClientTlsFiles): ChannelCredentials {
  if (!tls.caFile && !tls.certFile) return ChannelCredentials.createInsecure();
  const read = (f: string | undefined) => (f ? readFileSync(f) : null);
  return ChannelCredentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
}

/** Client TLS settings every service reads for its outgoing calls. */
export function clientTlsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientTlsFiles {
  return { caFile: env["GRPC_CLIENT_TLS_CA_FILE"], certFile: env["GRPC_CLIENT_TLS_CERT_FILE"], keyFile: env["GRPC_CLIENT_TLS_KEY_FILE"] };
}
