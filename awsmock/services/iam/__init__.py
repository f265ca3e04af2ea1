"""IAM: users, groups, roles, managed and inline policies, access keys, instance profiles,
identity providers, certificates, MFA devices and account settings.

IAM is global: every entity is scoped to its account, never to a region. One module per concern;
the handler registry imports each of them.
"""
