"""PyTorch reference for train-step.bench.ts: seconds per training step (forward, backward, AdamW)
of the reference CNN (conv3x3 32/64/96/128 + BN + ReLU + max-pool, GAP, dense) and torchvision's
EfficientNet-B0 on 16 random 1x128x128 inputs. Prints one JSON line. Usage: python3 torch_train_ref.py THREADS"""
import json, sys, time
import torch
import torch.nn as nn

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
torch.manual_seed(0)

def reference_cnn(num_classes):
    layers, cin = [], 1
    for cout in (32, 64, 96, 128):
        layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]
        cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, num_classes))

def b0(num_classes):
    from torchvision.models import efficientnet_b0
    m = efficientnet_b0(num_classes=num_classes)
    m.features[0][0] = nn.Conv2d(1, 32, 3, stride=2, padding=1, bias=False)
    return m

def step_seconds(model):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    x = torch.randn(16, 1, 128, 128)
    y = torch.randint(0, 10, (16,))
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    times = []
    for i in range(steps + 1):
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if i > 0:
            times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]

print(json.dumps({"threads": threads, "reference_cnn_s": step_seconds(reference_cnn(10)), "efficientnet_b0_s": step_seconds(b0(10))}))
