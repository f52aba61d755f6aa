"""torch / torchaudio reference timing for bench/log-mel.bench.ts (single thread).

Usage: /usr/bin/python3 bench/torchaudio_ref.py <audio.f32> <sample_rate> <repeats> [default|mn04]
Reads mono float32 little-endian samples and times, after a warm-up:
  default: torchaudio MelSpectrogram(n_fft 2048, hop 512, 128 mels, power 2) + AmplitudeToDB('power', top_db=80);
  mn04:    EfficientAT's eval front end written out in torch: pre-emphasis conv1d [-0.97, 1], torch.stft (n_fft 1024,
           hop 320, symmetric Hann 800, reflect), power, 128 Kaldi mel banks 0-15000 Hz (built once, outside the
           timing, where EfficientAT rebuilds them every call), log(x + 1e-5), (x + 4.5) / 5.
Prints one JSON line (median wall and process CPU time per second of audio; CPU time is the steadier figure on a
shared machine).
"""
import json
import sys
import time

import numpy as np
import torch
import torchaudio

torch.set_num_threads(1)
path, sample_rate, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
preset = sys.argv[4] if len(sys.argv) > 4 else "default"
audio = torch.from_numpy(np.fromfile(path, dtype="<f4"))

if preset == "mn04":
    from torchaudio.compliance.kaldi import get_mel_banks

    window = torch.hann_window(800, periodic=False)
    emphasis = torch.tensor([[[-0.97, 1.0]]])
    banks, _ = get_mel_banks(128, 1024, float(sample_rate), 0.0, 15000.0, 100.0, -500.0, 1.0)
    banks = torch.nn.functional.pad(banks, (0, 1))

    def front_end(x):
        x = torch.nn.functional.conv1d(x.view(1, 1, -1), emphasis).view(1, -1)
        spec = torch.stft(x, 1024, hop_length=320, win_length=800, window=window, center=True,
                          pad_mode="reflect", return_complex=True)
        power = spec.real ** 2 + spec.imag ** 2
        return (torch.log(torch.matmul(banks, power) + 1e-5) + 4.5) / 5
else:
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=sample_rate, n_fft=2048, hop_length=512, n_mels=128, power=2.0)
    to_db = torchaudio.transforms.AmplitudeToDB("power", top_db=80.0)

    def front_end(x):
        return to_db(mel(x))

with torch.inference_mode():
    for _ in range(5):
        front_end(audio)
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        front_end(audio)
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
