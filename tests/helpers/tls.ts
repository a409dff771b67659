// A self-signed certificate for 127.0.0.1, made at run time with the machine's openssl
// (Node can sign with a key but not make an X.509 certificate). A process trusts it
// through NODE_EXTRA_CA_CERTS=certFile, as a node behind a private mirror would.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface LocalCertificate {
  key: Buffer;
  cert: Buffer;
  /** The certificate's PEM file, for NODE_EXTRA_CA_CERTS and curl --cacert. */
  certFile: string;
  remove(): void;
}

export function makeLocalCertificate(): LocalCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  // P-256: what most sites serve; the key type only changes the handshake, not the bulk cipher.
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=llmlb fake hub"],
      ...["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
