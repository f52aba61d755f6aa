# Research probe (folds 2 and 3 only; fold 1 untouched): the baseline CNN (one seed), a logistic regression on
# log-mel statistics, and the two models' probabilities averaged. Features: dump-features.ts output in
# /tmp/nc-research/features.
#   --level window (default): per-mel mean and std over each 64-frame window; a clip = mean of its window
#                             probabilities, as the service aggregates (the variant an ONNX ensemble could hold)
#   --level clip:             per-mel mean, std, 10th and 90th percentile over the whole clip
#   nice -n 5 /usr/bin/python3 research/recipe-search/stats_probe.py --level window
import argparse, importlib.util, os, sys
import numpy as np, torch, torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument('--level', choices=['window', 'clip'], default='window')
level = parser.parse_args().level
sys.argv = ['x']  # recipe_search parses its own arguments on import
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location('r', os.path.join(os.path.dirname(__file__), 'recipe_search.py'))
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
specs, targets, folds, labels, names = m.load('/tmp/nc-research/features')
real = np.array([labels[t] in m.REAL for t in targets])
cnn_recipe = argparse.Namespace(epochs=60, wpc=1, batch=16, lr=3e-3, wd=1e-4, dropout=0.3, width=1.0, frames=64, gain=6, fmask=6, tmask=8,
                                noise=1, mixup=0, ls=0, norm='none', eq=0, bg=0, bg_db=[6, 20], head='gap')


def window_stats(w):
    return np.concatenate([w.mean(2), w.std(2)], 1)


def clip_stats(s):
    return np.concatenate([s.mean(1), s.std(1), np.percentile(s, 10, axis=1), np.percentile(s, 90, axis=1)])


def examples(indices):
    """Feature rows and their targets: one row per window (window level) or per clip (clip level)."""
    if level == 'clip':
        return np.stack([clip_stats(specs[i]) for i in indices]).astype(np.float32), targets[indices]
    rows, ys = [], []
    for i in indices:
        w = m.windows_of(specs[i], 64); rows.append(window_stats(w)); ys += [targets[i]] * len(w)
    return np.concatenate(rows).astype(np.float32), np.array(ys)


res = {}
for vf in (2, 3):
    tr = np.where((folds != 1) & (folds != vf))[0]; va = np.where(folds == vf)[0]; t = targets[va]
    X, Y = examples(tr)
    mu, sd = X.mean(0), X.std(0) + 1e-3
    counts = np.bincount(Y, minlength=16)
    cw = torch.tensor(np.where(counts > 0, len(Y) / (16 * np.maximum(counts, 1)), 0), dtype=torch.float32)
    torch.manual_seed(0)
    net = torch.nn.Linear(X.shape[1], 16)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2, weight_decay=1e-3)
    xt, y = torch.tensor((X - mu) / sd), torch.tensor(Y)
    for _ in range(500):
        loss = F.cross_entropy(net(xt), y, weight=cw); opt.zero_grad(); loss.backward(); opt.step()
    prob = lambda x: F.softmax(net(torch.tensor((x - mu) / sd, dtype=torch.float32)), 1).detach().numpy()
    if level == 'clip':
        p_lr = prob(examples(va)[0])
    else:
        p_lr = np.stack([prob(window_stats(m.windows_of(specs[i], 64))).mean(0) for i in va])
    p_cnn, _ = m.run_once(specs, targets, tr, va, 16, cnn_recipe, 42 + vf)
    for name, p in [('lr', p_lr), ('cnn', p_cnn), ('avg', (p_lr + p_cnn) / 2)]:
        pred = p.argmax(1)
        res.setdefault(name, []).append(((pred == t).mean(), (pred == t)[real[va]].mean()))
    print(vf, {k: [round(float(x), 3) for x in v[-1]] for k, v in res.items()}, flush=True)
for k, v in res.items():
    print(k, 'mean acc', round(float(np.mean([x[0] for x in v])), 3), 'real', round(float(np.mean([x[1] for x in v])), 3))
