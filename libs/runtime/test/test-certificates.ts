// Throwaway certificates made with the openssl CLI (Debian's base system has it): a CA, a server
// certificate for 127.0.0.1, a client certificate it signed, one that expired, and one signed by
// another CA.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CA_CONFIG = `[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial.txt
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
`;

/** Creates the files in a fresh directory; returns the path of one by name (ca.crt, client.key, ...). */
export function makeCertificates(): (file: string) => string {
  const dir = mkdtempSync(join(tmpdir(), "tls-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const selfSignedCa = (name: string) => ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "1", "-subj", `/CN=${name}`);
  const request = (name: string) => ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  const sign = (name: string, ca: string) =>
    ssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", "san.ext");

  selfSignedCa("ca");
  selfSignedCa("other-ca");
  for (const name of ["server", "client", "expired-client", "foreign-client"]) request(name);
  sign("server", "ca");
  sign("client", "ca");
  sign("foreign-client", "other-ca");
  // `openssl x509` cannot back-date before OpenSSL 3.4; `openssl ca` sets any validity window.
  writeFileSync(join(dir, "ca.cnf"), CA_CONFIG);
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial.txt"), "1000\n");
  ssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.crt", "-keyfile", "ca.key", "-in", "expired-client.csr", "-out", "expired-client.crt", "-notext", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z");
  return (file) => join(dir, file);
}
