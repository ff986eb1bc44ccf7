"""The web pages for OMU staff: caseload, case history and recording a COM's answer, behind single sign-on."""

import warnings

import authlib.deprecate  # noqa: F401  (it turns its own warnings on; ours must come after)

# Authlib 1.9 warns on import about its own internal httpx module: not ours to act on, and a warning
# on the console reads as a fault to whoever starts `mappa web`.
warnings.filterwarnings("ignore", message="The httpx module is deprecated")
