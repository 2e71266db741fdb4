import dns2 from "dns2";

const { Packet } = dns2;

/** A real DNS server on loopback (UDP) serving TXT records that a test sets and changes. */
export interface TestDnsServer {
  /** `host:port`, for DNS_SERVERS. */
  address: string;
  /** Replaces the TXT records of a name (lower case); `[]` removes them. */
  setTxt(name: string, values: string[]): void;
  /** Answers SERVFAIL for every question until called with false. */
  fail(failing: boolean): void;
  /** Questions asked so far, by name. */
  asked: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const records = new Map<string, string[]>();
  const asked: string[] = [];
  let failing = false;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      if (question) {
        const name = question.name.toLowerCase();
        asked.push(name);
        if (failing) {
          (response.header as { rcode: number }).rcode = 2; // SERVFAIL
        } else if (question.type === Packet.TYPE.TXT) {
          for (const value of records.get(name) ?? []) {
            response.answers.push({
              name: question.name,
              type: Packet.TYPE.TXT,
              class: Packet.CLASS.IN,
              ttl: 1,
              data: value,
            } as never);
          }
        }
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const port = (addresses as { udp: { port: number } }).udp.port;
  return {
    address: `127.0.0.1:${port}`,
    setTxt: (name, values) => records.set(name.toLowerCase(), values),
    fail: (f) => {
      failing = f;
    },
    asked,
    close: async () => {
      await server.close();
    },
  };
}
