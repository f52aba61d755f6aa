#!/usr/bin/python3
"""PyTorch reference for bench/classify.bench.ts (never used by tests): the seed's classify path.

One second of 48 kHz audio -> torchaudio MelSpectrogram (n_fft 2048, hop 512, 128 mels, power 2) ->
AmplitudeToDB(top_db=80) -> pad to 128 frames -> torchvision efficientnet_b3(num_classes=59) (the log-mel
repeated to 3 channels, as ImageNet-style backbones take) -> softmax -> top-5. Batch-norm statistics are
calibrated on random input first (untrained weights otherwise decay to denormals and time the wrong thing).
Prints one JSON object: {"torch": version, "threads": n, "median_ms": .., "p90_ms": .., "runs": n};
with --serve it instead answers each stdin line "N" with [wall ms, process CPU ms] of N calls, so the TypeScript bench can
interleave blocks of its own runs with PyTorch's on a loaded machine.
"""
import argparse
import json
import statistics
import time

import torch
import torchaudio
import torchvision


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--runs', type=int, default=50)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--serve', action='store_true', help='read a run count per stdin line, answer the times (ms) as JSON')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=48000, n_fft=2048, hop_length=512, n_mels=128, power=2.0)
    to_db = torchaudio.transforms.AmplitudeToDB('power', top_db=80)
    model = torchvision.models.efficientnet_b3(num_classes=59)
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(8, 3, 128, 128))
    model.eval()
    audio = torch.randn(48000) * 0.1

    def classify():
        with torch.no_grad():
            spec = to_db(mel(audio))  # [128, 94]
            spec = torch.nn.functional.pad(spec, (0, 128 - spec.shape[-1]), value=float(spec.min()))
            x = spec.unsqueeze(0).unsqueeze(0).repeat(1, 3, 1, 1)
            probs = torch.softmax(model(x), dim=1)[0]
            top = torch.topk(probs, 5)
            return [(int(i), float(v)) for v, i in zip(top.values, top.indices)]

    for _ in range(a.warmup):
        classify()
    if a.serve:
        import sys
        print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': a.threads}), flush=True)
        for line in sys.stdin:
            block = []
            for _ in range(int(line)):
                t = time.perf_counter()
                c = time.process_time()
                classify()
                block.append([(time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000])
            print(json.dumps(block), flush=True)
        return
    times = []
    for _ in range(a.runs):
        t = time.perf_counter()
        classify()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({
        'torch': torch.__version__,
        'torchaudio': torchaudio.__version__,
        'threads': a.threads,
        'runs': a.runs,
        'median_ms': statistics.median(times),
        'p90_ms': times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))],
    }))


if __name__ == '__main__':
    main()
