"""Reference outputs of torchaudio.functional.resample (torchaudio 0.13) for the resampler's tests and cross-check.

Usage:  /usr/bin/python3 bench/resample-reference.py <out-dir> [fixtures|wide]
Writes <out-dir>/index.json and one little-endian float32 file per input and output.
'fixtures' is the small set committed under test/fixtures/resample; 'wide' is the cross-check set.
Not used by the tests themselves (they read the committed files). Co-prime pairs such as 44101 -> 48000 are left out:
torchaudio's dense kernel for them would need gigabytes.
"""
import json, math, os, sys
import numpy as np
import torch
import torchaudio.functional as F

out_dir = sys.argv[1]
which = sys.argv[2] if len(sys.argv) > 2 else 'fixtures'
os.makedirs(out_dir, exist_ok=True)
torch.set_num_threads(1)

def signal(rate, seconds, seed):
    rng = np.random.default_rng(seed)
    n = int(round(rate * seconds))
    t = np.arange(n) / rate
    # Noise (all frequencies) + a chirp sweeping to the Nyquist frequency + a 1 kHz tone.
    x = 0.3 * rng.standard_normal(n) + 0.3 * np.sin(2 * np.pi * (50 * t + (rate / 2 - 50) / (2 * seconds) * t * t)) + 0.2 * np.sin(2 * np.pi * 1000 * t)
    return x.astype(np.float32)

if which == 'fixtures':
    cases = [(8000, 48000, {}), (16000, 48000, {}), (22050, 48000, {}), (44100, 48000, {}), (96000, 48000, {}),
             (192000, 48000, {}), (11025, 48000, {}), (48000, 16000, {}), (44100, 22050, {}),
             (22050, 48000, {'resampling_method': 'kaiser_window', 'lowpass_filter_width': 16, 'rolloff': 0.85})]
    seconds = 0.02
else:
    rates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 8001, 37800]
    cases = [(r, 48000, {}) for r in rates if r != 48000] + [(48000, r, {}) for r in (8000, 16000, 22050, 44100)]
    seconds = 0.5

index = []
for k, (src, dst, kw) in enumerate(cases):
    x = signal(src, seconds, k)
    y = F.resample(torch.from_numpy(x), src, dst, **kw).numpy().astype(np.float32)
    # torchaudio builds its kernel in the input's dtype: the float64 run shows how much of the float32
    # difference is torchaudio's own rounding.
    y64 = F.resample(torch.from_numpy(x.astype(np.float64)), src, dst, **kw).numpy()
    name = f'{src}-to-{dst}' + ('-kaiser' if kw else '')
    x.astype('<f4').tofile(os.path.join(out_dir, name + '.in.f32'))
    y.astype('<f4').tofile(os.path.join(out_dir, name + '.out.f32'))
    y64.astype('<f4').tofile(os.path.join(out_dir, name + '.out64.f32'))
    opts = {}
    if kw:
        opts = {'method': 'sinc_interp_kaiser', 'lowpassFilterWidth': kw['lowpass_filter_width'], 'rolloff': kw['rolloff']}
    entry = {'name': name, 'fromRate': src, 'toRate': dst, 'options': opts, 'inputLength': len(x), 'outputLength': len(y)}
    if which == 'wide':
        # Speed reference: 10 s of float32 input, single thread, best of 3 after a warm-up.
        long = torch.from_numpy(np.tile(x, 20)[: src * 10].copy())
        F.resample(long[:src], src, dst, **kw)
        import time
        best = float('inf')
        for _ in range(3):
            t0 = time.perf_counter()
            F.resample(long, src, dst, **kw)
            best = min(best, time.perf_counter() - t0)
        entry['torchaudioMsPerSecond'] = best * 1000 / 10
    index.append(entry)

with open(os.path.join(out_dir, 'index.json'), 'w') as f:
    json.dump({'generator': 'torchaudio ' + __import__('torchaudio').__version__ + ' functional.resample', 'cases': index}, f, indent=1)
print('wrote', len(index), 'cases to', out_dir)
