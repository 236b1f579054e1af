"""Turning source text into Python modules: loading the reference and the candidate (loader), the
content-addressed compile cache of extension and Triton builds (compile_cache), and compiler errors
told in the candidate's own lines (compile_errors). Imports only sandbox.
"""
