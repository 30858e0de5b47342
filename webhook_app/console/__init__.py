"""The company console (SPEC §5): sign-in, the shell with its navigation, and one blueprint per area of pages.

Every console page is behind `auth.signed_in` (or `auth.admin_only`); the company always comes from the signed-in
user, never from the URL. A new area adds its blueprint in webhook_app/factory.py and one line in `nav.NAV`.
"""
