#!/usr/bin/env bash
# Installs what the test suite drives for real: sipp (Debian's sip-tester) as CUCM, baresip as a generic UA, Chromium and Firefox ESR for the browser tests. Idempotent: does nothing
# when everything is already there. Needs root (CI and the development machines run as root) or sudo.
set -euo pipefail

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
# Debian's Chromium for the browser tests (Microsoft.Playwright drives /usr/bin/chromium; never "playwright install").
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Debian's Firefox ESR for the Ogg Opus playback tests (the tests drive /usr/bin/firefox-esr over WebDriver BiDi themselves).
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
# A PulseAudio server of its own with a null sink is Firefox's audio device there: without one it stops playback.
command -v pulseaudio >/dev/null 2>&1 || need+=(pulseaudio)
[ -f /usr/share/sip-tester/g711a.pcap ] || need+=(sip-tester)
# baresip (a real SIP stack, a generic UA) for the media-source tests and SIP over TLS (SecureTrunkTests, its libre links
# OpenSSL): Debian's baresip-core, no GUI or audio modules.
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
# libsrtp through its Python bindings: the SRTP cross-check protects packets with it (an implementation nobody here wrote).
/usr/bin/python3 -c 'import pylibsrtp' >/dev/null 2>&1 || need+=(python3-pylibsrtp)
# Native libopus for Concentus (libopus.so); without it the managed encoder runs, about 3x the CPU.
ls /usr/lib/*/libopus.so >/dev/null 2>&1 || need+=(libopus-dev)
# G.729A/B decoding (issue #13): the optional GPL-3.0 system library the recorder loads at run time; the tests also use
# its encoder as the independent source of G.729 frames.
ls /usr/lib/*/libbcg729.so.0 >/dev/null 2>&1 || need+=(libbcg729-0)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
sipp -v 2>/dev/null | head -n 1 || true
