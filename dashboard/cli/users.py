"""``pledgemap user``: local accounts."""

from __future__ import annotations

import argparse
import sys

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError
from geodata.access.accounts import ROLES


def add_user(commands, settings: Settings) -> None:
    user = commands.add_parser("user", help="local accounts: add, remove, change a password, list")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    for action, text in (
        ("add", "create an account (there is no default account or password)"),
        ("remove", "remove an account (not the last admin)"),
        ("passwd", "set an account's password (ends its sessions)"),
        ("unlock", "forget a name's failed sign-ins, so its owner can sign in at once"),
        ("list", "list the accounts, their roles and failed sign-ins"),
    ):
        command = user_commands.add_parser(action, help=text)
        add_data(command, settings)
        if action != "list":
            command.add_argument("username")
        if action in ("add", "passwd"):
            command.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from the first line of standard input instead of asking",
            )
        if action == "add":
            command.add_argument("--role", required=True, choices=ROLES, help="what the account may see and change")
            command.add_argument(
                "--organisation",
                help="for a housing company: its name as its sites give it as owner; for the police or a municipality "
                "in a store of many pledges: its police area or municipality (then it judges only those pledges)",
            )
            command.add_argument("--name", help="the name shown for the account")
    user.set_defaults(run=cmd_user)


def cmd_user(args: argparse.Namespace) -> int:
    from geodata import open_store
    from geodata.access import accounts

    with open_store(args.data) as store:
        if args.user_command == "list":
            for account in store.list_users():
                extra = f" ({account.organisation})" if account.organisation else ""
                failures = store.sign_in_failures(account.username)
                waiting = f"\t{failures} failed sign-ins in a row" if failures else ""
                print(f"{account.username}\t{account.role}{extra}\t{account.display_name or ''}{waiting}")
            if not accounts.sign_in_required(store):
                print("No accounts: sign-in is off and the dashboard serves this machine only, as admin")
            return 0
        if args.user_command == "add":
            account = accounts.add_user(
                store,
                args.username,
                args.role,
                _new_password(args),
                organisation=args.organisation,
                display_name=args.name,
            )
            print(f"Added {account.username} ({account.role})")
        elif args.user_command == "passwd":
            accounts.set_password(store, args.username, _new_password(args))
            print(f"Changed the password of {args.username}")
        elif args.user_command == "unlock":
            cleared = accounts.unlock(store, args.username)
            print(f"Forgot {cleared} failed sign-in counters of {args.username}")
        else:
            accounts.remove_user(store, args.username)
            print(f"Removed {args.username}")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Lösenord / password: ")
    if getpass.getpass("Igen / again: ") != first:
        raise PledgemapError("the two passwords differ; nothing was changed")
    return first


COMMANDS = {"user": add_user}
