#!/usr/bin/python3
"""Protects RTP packets with libsrtp (through pylibsrtp) for the cross-check in LibsrtpCrossCheckTests.

Arguments: profile name, master key||salt in hex, SSRC, first sequence number, packet count, payload hex.
Prints one protected packet per line, in hex. The sender's rollover counter is libsrtp's own.
"""
import sys

import pylibsrtp

PROFILES = {
    "AES_CM_128_HMAC_SHA1_80": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
    "AES_CM_128_HMAC_SHA1_32": pylibsrtp.Policy.SRTP_PROFILE_AES128_CM_SHA1_32,
    "AEAD_AES_128_GCM": pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_128_GCM,
    "AEAD_AES_256_GCM": pylibsrtp.Policy.SRTP_PROFILE_AEAD_AES_256_GCM,
}


def main():
    profile, key_hex, ssrc, first, count, payload_hex = sys.argv[1:7]
    ssrc, first, count = int(ssrc), int(first), int(count)
    policy = pylibsrtp.Policy(
        key=bytes.fromhex(key_hex),
        ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND,
        srtp_profile=PROFILES[profile],
    )
    session = pylibsrtp.Session(policy)
    payload = bytes.fromhex(payload_hex)
    for i in range(count):
        sequence = (first + i) & 0xFFFF
        header = bytes([0x80, 0x00]) + sequence.to_bytes(2, "big") + ((first + i) * 160 & 0xFFFFFFFF).to_bytes(4, "big") + ssrc.to_bytes(4, "big")
        print(session.protect(header + payload).hex())


if __name__ == "__main__":
    main()
