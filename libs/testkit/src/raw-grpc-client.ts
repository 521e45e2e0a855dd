// A grpc-js client that sends bytes as they are (a pass-through serializer): malformed protobuf
// messages reach the server exactly as written, framed by gRPC like any other message.
import * as grpc from "@grpc/grpc-js";

export interface RawOutcome {
  /** The gRPC status code (0 when the call succeeded). */
  code: grpc.status;
  details: string;
  /** The response messages' bytes. */
  responses: Buffer[];
}

const passThrough = (bytes: Buffer) => bytes;

function outcome(error: grpc.ServiceError | null, responses: Buffer[]): RawOutcome {
  return error ? { code: error.code, details: error.details, responses } : { code: grpc.status.OK, details: "", responses };
}

/** A channel to `address`; sendRaw calls any method path with request messages as raw bytes. */
export class RawGrpcClient {
  private readonly client: grpc.Client;

  constructor(address: string, credentials = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    this.client = new grpc.Client(address, credentials, { "grpc.max_send_message_length": -1, ...options });
  }

  /**
   * Calls `path` (e.g. /reviewlens.sentiment.v1.SentimentService/AnalyzeRestaurant) with these
   * messages: one for a unary or server-streaming method, any number when the client streams.
   */
  sendRaw(path: string, messages: Buffer[], kind: { requestStream: boolean; responseStream: boolean }, options: { metadata?: grpc.Metadata; deadline?: Date } = {}): Promise<RawOutcome> {
    const metadata = options.metadata ?? new grpc.Metadata();
    const callOptions = options.deadline ? { deadline: options.deadline } : {};
    const responses: Buffer[] = [];
    return new Promise((resolve) => {
      if (!kind.requestStream && !kind.responseStream) {
        this.client.makeUnaryRequest(path, passThrough, passThrough, messages[0] ?? Buffer.alloc(0), metadata, callOptions, (error, response) => {
          if (response) responses.push(response);
          resolve(outcome(error, responses));
        });
        return;
      }
      if (kind.requestStream && !kind.responseStream) {
        const call = this.client.makeClientStreamRequest(path, passThrough, passThrough, metadata, callOptions, (error, response) => {
          if (response) responses.push(response);
          resolve(outcome(error, responses));
        });
        for (const m of messages) call.write(m);
        call.end();
        return;
      }
      const call = kind.requestStream
        ? this.client.makeBidiStreamRequest(path, passThrough, passThrough, metadata, callOptions)
        : this.client.makeServerStreamRequest(path, passThrough, passThrough, messages[0] ?? Buffer.alloc(0), metadata, callOptions);
      call.on("data", (m: Buffer) => responses.push(m));
      call.on("error", (error: grpc.ServiceError) => resolve(outcome(error, responses)));
      call.on("status", (status: grpc.StatusObject) => {
        if (status.code === grpc.status.OK) resolve(outcome(null, responses));
      });
      if (kind.requestStream) {
        const duplex = call as grpc.ClientDuplexStream<Buffer, Buffer>;
        for (const m of messages) duplex.write(m);
        duplex.end();
      }
    });
  }

  close(): void {
    this.client.close();
  }
}
