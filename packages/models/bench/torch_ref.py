#!/usr/bin/python3
"""PyTorch reference for bench/inference.bench.ts (never used by tests).

Measures torchvision's efficientnet_b0/b3(num_classes=59) latency in PyTorch itself and exports the same
networks with torch.onnx.export, so the TypeScript bench can run PyTorch's graph in onnxruntime next to ours.
Untrained networks get their batch-norm statistics calibrated on random input first, exactly like our
`--untrained` export: with initial statistics the activations of a deep EfficientNet decay to denormal floats and
the timings would measure denormal arithmetic.

Besides wall time it records process CPU time per run (all threads), which is far less sensitive to other jobs
on a shared machine. Prints one JSON object on stdout: {"torch": "...", "results": [...], "onnx": {"b0": path, ...}}.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torchvision


def calibrate_batch_norm(model, channels, size, batches=4, batch_size=8):
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batches
    model.train()
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch_size, channels, size, size, generator=gen))
    model.eval()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--archs', default='b0,b3')
    p.add_argument('--threads', default='1,2')
    p.add_argument('--batches', default='1,16')
    p.add_argument('--runs', type=int, default=50)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--channels', type=int, default=3)
    p.add_argument('--size', type=int, default=128)
    p.add_argument('--classes', type=int, default=59)
    p.add_argument('--onnx-dir', default=None, help='export each network to <dir>/torchvision_<arch>.onnx')
    args = p.parse_args()

    results, exported = [], {}
    for arch in args.archs.split(','):
        model = getattr(torchvision.models, f'efficientnet_{arch}')(num_classes=args.classes)
        if args.channels != 3:
            first = model.features[0][0]
            model.features[0][0] = torch.nn.Conv2d(args.channels, first.out_channels, first.kernel_size, first.stride, first.padding, bias=False)
        calibrate_batch_norm(model, args.channels, args.size)
        params = sum(t.numel() for t in model.parameters())
        if args.onnx_dir:
            path = os.path.join(args.onnx_dir, f'torchvision_{arch}.onnx')
            torch.onnx.export(
                model, torch.randn(1, args.channels, args.size, args.size), path, opset_version=17,
                input_names=['input'], output_names=['logits'],
                dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
            )
            exported[arch] = path
        for threads in map(int, args.threads.split(',')):
            torch.set_num_threads(threads)
            for batch in map(int, args.batches.split(',')):
                x = torch.randn(batch, args.channels, args.size, args.size)
                times, cpu = [], []
                with torch.inference_mode():
                    for _ in range(args.warmup):
                        model(x)
                    for _ in range(args.runs):
                        c0, t0 = time.process_time(), time.perf_counter()
                        model(x)
                        times.append((time.perf_counter() - t0) * 1000)
                        cpu.append((time.process_time() - c0) * 1000)
                results.append({
                    'runtime': 'pytorch', 'arch': arch, 'threads': threads, 'batch': batch, 'runs': args.runs,
                    'medianMs': statistics.median(times), 'p90Ms': percentile(times, 0.9), 'params': params,
                    'cpuMedianMs': statistics.median(cpu),
                })
                print(f'pytorch {arch} threads={threads} batch={batch}: median {results[-1]["medianMs"]:.2f} ms', file=sys.stderr)
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'results': results, 'onnx': exported}, sys.stdout)


if __name__ == '__main__':
    main()
