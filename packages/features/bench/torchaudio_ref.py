"""torchaudio 0.13 reference timing for bench/log-mel.bench.ts (single thread).

Usage: /usr/bin/python3 bench/torchaudio_ref.py <audio.f32> <sample_rate> <repeats>
Reads mono float32 little-endian samples, times MelSpectrogram(n_fft 2048, hop 512, 128 mels, power 2)
followed by AmplitudeToDB('power', top_db=80) after a warm-up, prints one JSON line (wall and
process CPU time; CPU time is the steadier figure on a shared machine).
"""
import json
import sys
import time

import numpy as np
import torch
import torchaudio

torch.set_num_threads(1)
path, sample_rate, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
audio = torch.from_numpy(np.fromfile(path, dtype="<f4"))
mel = torchaudio.transforms.MelSpectrogram(sample_rate=sample_rate, n_fft=2048, hop_length=512, n_mels=128, power=2.0)
to_db = torchaudio.transforms.AmplitudeToDB("power", top_db=80.0)
with torch.inference_mode():
    for _ in range(5):
        to_db(mel(audio))
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        to_db(mel(audio))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
seconds = audio.numel() / sample_rate
times.sort()
cpu.sort()
print(json.dumps({
    "torchaudio": torchaudio.__version__,
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "median_ms_per_s": times[len(times) // 2] * 1000 / seconds,
    "min_ms_per_s": times[0] * 1000 / seconds,
    "cpu_median_ms_per_s": cpu[len(cpu) // 2] * 1000 / seconds,
}))
