#!/usr/bin/python3
"""Protects a µ-law tone as CUCM's SRTP stream for TlsCucmLeg, with libsrtp (through pylibsrtp), so the end-to-end
secure trunk tests decrypt packets that no code of ours protected.

Arguments: profile name (RFC 4568), master key||salt in hex, SSRC, first sequence number, first timestamp, path of
the raw µ-law tone. Prints one protected RTP packet (PT 0, 160 bytes of tone, marker on the first) per line, in hex;
the caller paces them. The sender's rollover counter is libsrtp's own.
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
    profile, key_hex, ssrc, first_sequence, first_timestamp, tone_path = sys.argv[1:7]
    ssrc, sequence, timestamp = int(ssrc), int(first_sequence), int(first_timestamp)
    policy = pylibsrtp.Policy(
        key=bytes.fromhex(key_hex),
        ssrc_type=pylibsrtp.Policy.SSRC_ANY_OUTBOUND,
        srtp_profile=PROFILES[profile],
    )
    session = pylibsrtp.Session(policy)
    with open(tone_path, "rb") as tone_file:
        tone = tone_file.read()
    for offset in range(0, len(tone) - 159, 160):
        marker = 0x80 if offset == 0 else 0x00
        header = (bytes([0x80, marker]) + (sequence & 0xFFFF).to_bytes(2, "big")
                  + (timestamp & 0xFFFFFFFF).to_bytes(4, "big") + ssrc.to_bytes(4, "big"))
        print(session.protect(header + tone[offset:offset + 160]).hex())
        sequence += 1
        timestamp += 160


if __name__ == "__main__":
    main()
