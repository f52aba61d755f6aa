"""Markdown table of recipe_search.py runs (runs.jsonl): recipe, per-fold and mean accuracy, real-class accuracy, time."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else '/tmp/nc-research/runs.jsonl'
DEFAULTS = {'epochs': 60, 'wpc': 1, 'batch': 16, 'lr': 3e-3, 'wd': 1e-4, 'dropout': 0.3, 'width': 1.0, 'frames': 64, 'gain': 6,
            'fmask': 6, 'tmask': 8, 'noise': 1, 'mixup': 0, 'ls': 0, 'norm': 'none', 'eq': 0, 'bg': 0, 'seeds': 1, 'seed': 42, 'head': 'gap'}
print('| run | change vs. baseline | fold 2 | fold 3 | mean | real classes (mean) | epochs × windows/clip × models | PyTorch s |')
print('|---|---|---|---|---|---|---|---|')
for line in open(path):
    r = json.loads(line)
    a = r['args']
    diff = ', '.join(f'{k} {a[k]}' for k in DEFAULTS if k in a and a[k] != DEFAULTS[k]) or '—'
    f = r['folds']
    cell = lambda k: f"{100 * f[k]['acc']:.1f}%" if k in f else '—'
    cost = f"{a['epochs']} × {a['wpc']} × {a['seeds']}"
    if '1' in f:
        diff += ' (fold 1, replica check)'
    print(f"| {r['name']} | {diff} | {cell('2')} | {cell('3')} | {100 * r['mean_acc']:.1f}% | {100 * r['mean_real_acc']:.1f}% | {cost} | {r['seconds']:.0f} |")
