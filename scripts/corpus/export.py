"""Export torchvision models to ONNX for netcost's corpus (npm run corpus).

Usage: python3 export.py OUT_DIR OPSET NAME [NAME ...]
Writes OUT_DIR/<name>-op<OPSET>.onnx and prints one JSON line per model:
{"name", "opset", "file", "input", "ok", "error", "seconds"}.

Weights are random (no hub offline): netcost counts shapes, not values. Modules whose eval path
torch 1.13 cannot export (nn.MultiheadAttention's fast path) run in training mode and are exported
with TrainingMode.PRESERVE; every one of them has dropout 0 in torchvision, so the function is the
same. Everything else stays in eval mode (BN uses its running statistics).
"""
import json
import os
import resource
import sys
import time

import torch
import torchvision.models as M
from torchvision.models import segmentation, video

SEGMENTATION = {n for n in dir(segmentation) if not n.startswith('_') and n[0].islower()}
VIDEO = {'r3d_18', 'mc3_18', 'r2plus1d_18', 's3d', 'mvit_v1_b', 'mvit_v2_s'}


class TooLarge(Exception):
    pass


def builder(name):
    if name in VIDEO:
        return getattr(video, name)
    if name in SEGMENTATION:
        return getattr(segmentation, name)
    return getattr(M, name)


def input_shape(name):
    if name in VIDEO:
        frames = 16 if name.startswith('mvit') or name == 's3d' else 8
        side = 224 if name.startswith('mvit') or name == 's3d' else 112
        return [1, 3, frames, side, side]
    if name == 'inception_v3':
        return [1, 3, 299, 299]
    return [1, 3, 224, 224]


def export(name, opset, out_dir):
    torch.manual_seed(0)
    kwargs = {'weights': None}
    if name in SEGMENTATION:
        kwargs['weights_backbone'] = None
        kwargs['aux_loss'] = False
    if name in ('googlenet', 'inception_v3'):
        kwargs['aux_logits'] = False
        kwargs['init_weights'] = False
    model = builder(name)(**kwargs).eval()
    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    if params * 4 >= 2 ** 31:
        raise TooLarge(f'{params:,} weights are {params * 4 / 2 ** 30:.2f} GiB at fp32; one ONNX file holds 2 GiB')
    preserve = False
    for m in model.modules():
        if isinstance(m, torch.nn.MultiheadAttention):
            m.train()
            preserve = True
    shape = input_shape(name)
    x = torch.randn(*shape)
    path = os.path.join(out_dir, f'{name}-op{opset}.onnx')
    mode = torch.onnx.TrainingMode.PRESERVE if preserve else torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'],
                          training=mode, do_constant_folding=True)
    return path, shape


# an export that needs more memory than this fails with MemoryError instead of taking the machine down
MEMORY_LIMIT = 16 << 30


def main():
    out_dir, opset, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    torch.set_num_threads(1)
    for name in names:
        t0 = time.time()
        rec = {'name': name, 'opset': opset}
        try:
            path, shape = export(name, opset, out_dir)
            rec.update(ok=True, file=path, input=shape)
        except TooLarge as e:
            rec.update(ok=False, skipped=str(e))
        except MemoryError:
            rec.update(ok=False, error=f'MemoryError: torch needs more than {MEMORY_LIMIT >> 30} GiB to export it')
        except Exception as e:  # noqa: BLE001 - one line per model, the run goes on
            rec.update(ok=False, error=f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'[:400])
        rec['seconds'] = round(time.time() - t0, 1)
        print(json.dumps(rec), flush=True)


if __name__ == '__main__':
    main()
