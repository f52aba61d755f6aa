#!/usr/bin/env bash
# Regenerates the codec fixtures of packages/features/test/fixtures/audio (and the MP3 copy legacy-compat's tests
# read) from our own synthetic audio: a T3 fire alarm over pink noise written by scripts/write-alarm-over-pink-noise.ts.
# The tests only read the committed output; this script is for regenerating it. Needs Debian's encoders:
#   apt-get install -y sox flac lame vorbis-tools
set -euo pipefail
cd "$(dirname "$0")/.."
out=packages/features/test/fixtures/audio
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The lossless reference the decoders are checked against: 1 s, PCM16, 22.05 kHz, mono.
npx tsx --conditions=@noise-classifier/source scripts/write-alarm-over-pink-noise.ts --out "$out/synthetic-alarm-1s.wav" \
  --rate 22050 --seconds 1 --snr 10 --seed 1
# FLAC is lossless: it must decode to exactly the WAV's samples.
flac --silent --force -8 -o "$out/synthetic-alarm-1s.flac" "$out/synthetic-alarm-1s.wav"
# MP3: CBR 64 kbit/s (MPEG-2 layer III at 22.05 kHz), no ID3 tag: a bare frame stream.
lame --quiet -b 64 "$out/synthetic-alarm-1s.wav" "$out/synthetic-alarm-1s.mp3"
# A tiny Ogg Vorbis (first 0.3 s = 6615 samples, quality 0), small enough to fuzz thousands of times.
sox "$out/synthetic-alarm-1s.wav" "$tmp/first-6615.wav" trim 0 6615s
oggenc --quiet -q 0 --serial 1 -o "$out/synthetic-alarm-0.3s.ogg" "$tmp/first-6615.wav"

cp "$out/synthetic-alarm-1s.mp3" packages/legacy-compat/test/fixtures/synthetic-alarm-1s.mp3
ls -l "$out"/synthetic-alarm-* packages/legacy-compat/test/fixtures/synthetic-alarm-1s.mp3
