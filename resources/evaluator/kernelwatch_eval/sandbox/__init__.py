"""The evaluation child's process and its confinement: fork and supervision (supervisor), the
child's set-up before it runs user code (child_setup: setsid, rlimits, fds, temp dir, secrets),
the Landlock file-system sandbox (landlock), the nonce-tagged result pipe between child and parent
(channel) and the low-level process helpers (procutil). Stdlib only: imports no other layer.
"""
