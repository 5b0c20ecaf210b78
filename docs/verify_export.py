#!/usr/bin/env python3
"""Check an export of Tiếng Dân's audit chain, without trusting the server.

    python3 docs/verify_export.py EXPORT.jsonl KEY.pem

EXPORT.jsonl is the output of `tiengdan audit export`; KEY.pem is `public_key_pem` from
GET /v1/transparency/key. The procedure and what it proves are in docs/VERIFYING.md.

Exit status: 0 when everything checks out, 1 at the first problem found (named on stdout),
2 when the check could not be run (unreadable file, openssl missing or too old).
Needs Python 3 and OpenSSL 3 (for Ed25519 with -rawin); nothing else.
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

GENESIS = "0" * 64


def canonical(e):
    """The bytes hashed after the previous hash (src/domain/audit.rs, never changes for v1)."""

    def text(value):
        return "" if value is None else str(value)

    fields = [
        "tiengdan-event-v1",
        text(e["seq"]),
        text(e["petition_id"]),
        e["actor_kind"],
        text(e["actor_id"]),
        e["action"],
        e["created_at"],
        e["payload"],
    ]
    return "\n".join(fields).encode("utf-8")


def event_hash(prev_hash, e):
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(e)).hexdigest()


def signature_ok(key_pem, message, signature_b64):
    """Asks openssl whether `signature_b64` is the key's Ed25519 signature over `message`."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except ValueError:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        message_file = os.path.join(tmp, "message")
        sig_file = os.path.join(tmp, "signature")
        with open(message_file, "wb") as f:
            f.write(message.encode("utf-8"))
        with open(sig_file, "wb") as f:
            f.write(signature)
        try:
            run = subprocess.run(
                ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", key_pem,
                 "-rawin", "-in", message_file, "-sigfile", sig_file],
                capture_output=True, text=True,
            )
        except FileNotFoundError:
            raise RuntimeError("the openssl command is not installed") from None
    if run.returncode == 0 and "Signature Verified Successfully" in run.stdout:
        return True
    if "Signature Verification Failure" in run.stdout + run.stderr:
        return False
    # Anything else is openssl failing to run the check, not a verdict on the signature.
    raise RuntimeError("openssl could not check a signature:\n" + run.stdout + run.stderr)


def fail(where, problem):
    print(f"INVALID at {where}: {problem}")
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description="Check an export of the audit chain.")
    parser.add_argument("export", help="the output of `tiengdan audit export` (JSON lines)")
    parser.add_argument("key", help="the public_key_pem from GET /v1/transparency/key")
    args = parser.parse_args()

    # 1. Every event, in order: its position, its link to the one before, its own hash.
    hashes = {0: GENESIS}  # position -> recomputed hash; position 0 is the empty chain
    checkpoints = []
    expected_seq, prev_hash = 1, GENESIS
    with open(args.export, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as e:
                fail(f"line {number}", f"not JSON ({e})")
            if record.get("type") == "checkpoint":
                checkpoints.append((number, record))
                continue
            if record.get("type") != "event":
                fail(f"line {number}", f"unknown record type {record.get('type')!r}")
            where = f"line {number} (event seq {record['seq']})"
            if checkpoints:
                fail(where, "an event after the checkpoints: the export was rearranged")
            if record["seq"] != expected_seq:
                fail(where, f"expected seq {expected_seq}: an event was removed, inserted or moved")
            if record["prev_hash"] != prev_hash:
                fail(where, f"prev_hash is {record['prev_hash']}, but the event before hashes "
                            f"to {prev_hash}: the chain is broken here")
            recomputed = event_hash(prev_hash, record)
            if record["hash"] != recomputed:
                fail(where, f"its content hashes to {recomputed}, not the stored "
                            f"{record['hash']}: the event was changed")
            hashes[expected_seq] = prev_hash = recomputed
            expected_seq += 1
    last_seq = expected_seq - 1

    # 2. Every checkpoint: signed by the key, and signing the hash the chain really has there.
    for number, c in checkpoints:
        where = f"line {number} (checkpoint at seq {c['seq']})"
        message = f"tiengdan-checkpoint-v1\n{c['seq']}\n{c['hash']}\n{c['signed_at']}"
        if not signature_ok(args.key, message, c["signature"]):
            fail(where, "the signature does not verify with this key")
        if c["seq"] > last_seq:
            fail(where, f"the server signed a chain of {c['seq']} events, but the export ends "
                        f"at seq {last_seq}: the newest events were removed")
        if hashes.get(c["seq"]) != c["hash"]:
            fail(where, f"the server signed hash {c['hash']} for this position, but the chain "
                        f"has {hashes.get(c['seq'])}: the chain was rebuilt after it was signed")

    print(f"valid: {last_seq} events, {len(checkpoints)} checkpoints")
    if checkpoints:
        newest = max(c["seq"] for _, c in checkpoints)
        if newest < last_seq:
            print(f"note: events after seq {newest} are not covered by a signed checkpoint yet")
    else:
        print("note: no signed checkpoint: nothing here is vouched for by the server's key")


if __name__ == "__main__":
    try:
        main()
    except (KeyError, TypeError) as e:
        print(f"INVALID: a record is malformed ({type(e).__name__}: {e})")
        sys.exit(1)
    except (OSError, RuntimeError) as e:
        print(f"could not check: {e}", file=sys.stderr)
        sys.exit(2)
