#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""breakdown.py TRACE...: where a container start's time goes, from an ftrace of N runs.

Each TRACE is the text of a tracefs instance that followed one shell loop (event-fork)
with every syscall event and sched_process_{fork,exec,exit} enabled (bench/breakdown.sh).
Every run of the command under the loop is one start. Its marks are the process events:
the command's exec, the fork of the first process that execs below it, each exec below it,
the exit of each process that exec'd, the command's exit. The table gives, for each
interval between consecutive marks, its median length over the runs, and the syscalls that
took the most time in it (summed over every process of the start, so overlapping work can
add up to more than the interval; waits such as epoll_pwait or wait4 are left out).
"""
import collections
import re
import statistics
import sys

LINE = re.compile(r'^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (.*)$')
ENTER = re.compile(r'^sys_(\w+)\(')
EXIT = re.compile(r'^sys_(\w+) -> (\S+)')
WAITS = {'wait4', 'waitid', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'poll', 'ppoll',
         'pselect6', 'select', 'rt_sigtimedwait', 'futex', 'nanosleep', 'clock_nanosleep',
         'pause', 'rt_sigsuspend'}
# A read or recvmsg that blocked this long was a wait for another process, not work.
BLOCKED = 200e-6


def starts_of(path):
    parent, runs, loop, run_of = {}, [], None, {}
    pending = {}
    for raw in open(path, errors='replace'):
        m = LINE.match(raw)
        if not m:
            continue
        pid, t, ev = int(m.group(2)), float(m.group(3)), m.group(4)
        if loop is None:
            loop = pid  # the shell the instance follows: its first event comes first
        if ev.startswith('sched_process_fork:'):
            f = re.search(r' pid=(\d+) .*child_pid=(\d+)', ev)
            p, c = int(f.group(1)), int(f.group(2))
            parent[c] = p
            if p in run_of:
                run_of[c] = run_of[p]
                run_of[c]['forks'][c] = t
            continue
        if ev.startswith('sched_process_exec:'):
            name = m.group(1)
            if parent.get(pid) == loop and pid not in run_of:
                run = {'top': pid, 'marks': [(t, 'start')], 'forks': {}, 'execd': {},
                       'calls': []}
                runs.append(run)
                run_of[pid] = run
            elif pid in run_of:
                run = run_of[pid]
                if not run['execd'] and pid in run['forks']:
                    run['marks'].append((run['forks'][pid], 'clone'))
                label = name if name not in run['execd'].values() else name + "'"
                run['execd'][pid] = label
                run['marks'].append((t, 'exec ' + label))
            continue
        if ev.startswith('sched_process_exit:'):
            run = run_of.get(pid)
            if run and 'group_dead=true' in ev:
                if pid == run['top']:
                    run['marks'].append((t, 'end'))
                elif pid in run['execd']:
                    run['marks'].append((t, 'exit ' + run['execd'][pid]))
            continue
        run = run_of.get(pid)
        if not run:
            continue
        if ev.startswith('page_fault_user:'):
            run['faults'] = run.get('faults', 0) + 1
            continue
        e = ENTER.match(ev)
        if e:
            pending[pid] = (e.group(1), t)
            continue
        x = EXIT.match(ev)
        if x and pending.get(pid, ('',))[0] == x.group(1):
            name, t0 = pending.pop(pid)
            run['calls'].append((t0, t - t0, name, pid))
    return [r for r in runs if r['marks'][-1][1] == 'end']


def work(run):
    """The run's calls that did work: (start, length, name), waits left out."""
    for t0, d, name, _ in run['calls']:
        if name in WAITS or (name in ('read', 'recvmsg', 'recvfrom') and d > BLOCKED):
            continue
        yield t0, d, name


def report(path):
    """Prints the parts of the runs of the commonest shape; returns those runs."""
    runs = starts_of(path)
    if not runs:
        print(f'{path}: no complete run')
        return []
    shapes = collections.Counter(tuple(l for _, l in sorted(r['marks'])) for r in runs)
    shape, _ = shapes.most_common(1)[0]
    runs = [r for r in runs if tuple(l for _, l in sorted(r['marks'])) == shape]
    spans = collections.defaultdict(list)
    calls = collections.defaultdict(lambda: collections.defaultdict(float))
    total = []
    for r in runs:
        marks = sorted(r['marks'])
        total.append(marks[-1][0] - marks[0][0])
        for i in range(len(marks) - 1):
            spans[i].append(marks[i + 1][0] - marks[i][0])
        for t0, d, name in work(r):
            for i in range(len(marks) - 1):
                if marks[i][0] <= t0 < marks[i + 1][0]:
                    calls[i][name] += d
                    break
    n = len(runs)
    print(f'{path}: {n} runs, start to end median {statistics.median(total) * 1e3:.2f} ms')
    for i in range(len(shape) - 1):
        top = sorted(calls[i].items(), key=lambda kv: -kv[1])[:5]
        busy = sum(calls[i].values()) / n
        print(f'  {shape[i] + " -> " + shape[i + 1]:34s} {statistics.median(spans[i]) * 1e3:6.2f} ms'
              f'  syscalls {busy * 1e3:5.2f} ms: ' +
              ', '.join(f'{k} {v / n * 1e3:.2f}' for k, v in top))
    return runs


CLASSES = [
    ('namespaces', {'unshare', 'setns', 'clone3', 'clone'}),
    ('mounts and the root', {'mount', 'umount', 'umount2', 'pivot_root', 'open_tree', 'move_mount',
                             'fsopen', 'fsconfig', 'fsmount', 'mount_setattr', 'chroot'}),
    ('seccomp and capabilities (prctl, capset)', {'prctl', 'seccomp', 'capset'}),
    ('exec', {'execve', 'execveat'}),
    ('fork', {'fork', 'vfork'}),
    ('directories (cgroups, the record)', {'mkdir', 'mkdirat', 'rmdir', 'unlink', 'unlinkat',
                                           'rename', 'renameat2'}),
    ('opening and closing files', {'open', 'openat', 'openat2', 'close', 'close_range'}),
    ('reading and writing', {'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev',
                             'sendmsg', 'recvmsg', 'sendto', 'recvfrom', 'getdents64'}),
    ('memory (mmap, munmap, brk)', {'mmap', 'munmap', 'mprotect', 'brk', 'madvise'}),
]


def classes(runs):
    """Seconds per run in each class of syscall."""
    out = collections.defaultdict(float)
    for r in runs:
        for _, d, name in work(r):
            for label, names in CLASSES:
                if name in names:
                    out[label] += d
                    break
            else:
                out['other syscalls'] += d
    return {k: v / max(len(runs), 1) for k, v in out.items()}


def faults(runs):
    """Median page faults taken in user mode per run, every process of it."""
    return statistics.median(r.get('faults', 0) for r in runs) if runs else 0


reported = [report(p) for p in sys.argv[1:]]
cols = [classes(runs) for runs in reported]
print()
names = [re.sub(r'^.*breakdown-|\.trace$', '', p) for p in sys.argv[1:]]
print('time in syscalls per start, ms (every process of the start, waits left out)')
print(f'{"":42s}' + ''.join(f'{n:>16s}' for n in names))
for label in [c[0] for c in CLASSES] + ['other syscalls']:
    print(f'{label:42s}' + ''.join(f'{c.get(label, 0) * 1e3:16.2f}' for c in cols))
print(f'{"all":42s}' + ''.join(f'{sum(c.values()) * 1e3:16.2f}' for c in cols))
print()
print(f'{"page faults in user mode per start (median)":42s}' +
      ''.join(f'{faults(runs):16.0f}' for runs in reported))
