"""SCIM 2.0 provisioning (RFC 7643, RFC 7644) at /scim/v2/: an organisation's identity provider
creates, updates and deactivates its people (Users) and teams (Groups) with a SCIM token."""
