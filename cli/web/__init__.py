"""The web pages for OMU staff: caseload, case history and recording a COM's answer, behind single sign-on."""
