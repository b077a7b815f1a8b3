"""Sign-in and who may do what: passwords (Argon2id), tokens, and the permissions of each role."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import Forbidden, Unauthenticated
from banso_core.tokens import Principal, TokenIssuer
from banso_core.vocabulary import OrgKind, StaffRole
from org_records.config import OrgRecordsSettings
from org_records.org import OrgIdentity
from org_records.staff.models import Staff
from org_records.staff.repository import StaffRepository


class Permission(StrEnum):
    read = "read"
    write = "write"
    delete = "delete"
    administer = "administer"


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.org_admin: frozenset(Permission),
    StaffRole.lead_advisor: frozenset({Permission.read, Permission.write, Permission.delete}),
    StaffRole.advisor: frozenset({Permission.read, Permission.write, Permission.delete}),
    StaffRole.prefecture: frozenset({Permission.read, Permission.write, Permission.delete}),
    StaffRole.assistant: frozenset({Permission.read, Permission.write}),
    StaffRole.clerk: frozenset({Permission.read, Permission.write}),
    StaffRole.readonly: frozenset({Permission.read}),
}

PERMISSION_LABELS = {
    Permission.read: "閲覧 (read)",
    Permission.write: "登録・更新 (write)",
    Permission.delete: "削除 (delete)",
    Permission.administer: "管理 (administer)",
}

PasswordCost = Literal["standard", "test"]


class Passwords:
    """Argon2id hashing of staff passwords, at argon2-cffi's recommended cost; `test` makes test instances cheap
    to start (it is never right for real passwords)."""

    COSTS: ClassVar[dict[str, PasswordHasher]] = {
        "standard": PasswordHasher(),
        "test": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    }

    def __init__(self) -> None:
        self.hasher = self.COSTS["standard"]
        self._unknown_login_hashes: dict[int, str] = {}

    def use(self, cost: PasswordCost) -> None:
        self.hasher = self.COSTS[cost]

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> None:
        self.hasher.verify(stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.hasher.check_needs_rehash(stored_hash)

    @property
    def unknown_login_hash(self) -> str:
        """Verified against when the login is unknown, so that a wrong login costs as long as a wrong password."""
        key = id(self.hasher)
        if key not in self._unknown_login_hashes:
            self._unknown_login_hashes[key] = self.hasher.hash("no-such-login")
        return self._unknown_login_hashes[key]


passwords = Passwords()


class AuthService:
    def __init__(self) -> None:
        self.staff = StaffRepository()

    async def sign_in(self, session: AsyncSession, login: str, password: str, issuer: TokenIssuer) -> tuple[Staff, str]:
        staff = await self.staff.by_login(session, login.strip().lower())
        unknown = passwords.unknown_login_hash
        stored_hash = staff.password_hash if staff is not None and staff.password_hash else unknown
        try:
            passwords.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            staff = None
        if staff is None or stored_hash is unknown:
            raise Unauthenticated("ログインIDまたはパスワードが違います (wrong login or password)")
        if not staff.active:
            raise Unauthenticated("このアカウントは無効です (this account is deactivated)")
        if passwords.needs_rehash(stored_hash):
            staff.password_hash = passwords.hash(password)
        return staff, issuer.issue(staff.id, staff.role, staff.display_name)

    async def authorize(
        self, session: AsyncSession, principal: Principal, org: OrgIdentity, permission: Permission
    ) -> Staff:
        """The caller's staff record, once it is known to belong here and its current role allows `permission`."""
        if principal.org != org.org_id:
            raise Forbidden(
                f"この記録は{org.org_name}のものです: staff of {principal.org} cannot use {org.org_id}'s records"
            )
        staff = await self.staff.get(session, principal.staff)
        if staff is None or not staff.active:
            raise Unauthenticated("このアカウントは無効です (this account is no longer active)")
        role = StaffRole[staff.role]
        if permission not in ROLE_PERMISSIONS[role]:
            raise Forbidden(f"{role.label}の権限では{PERMISSION_LABELS[permission]}できません (role {role} may not)")
        return staff

    async def ensure_login(
        self, session: AsyncSession, login: str, password: str, display_name: str, role: StaffRole
    ) -> Staff:
        """Create a staff login at startup (bootstrap administrator, demo logins) unless it exists."""
        staff = await self.staff.by_login(session, login)
        if staff is None:
            staff = await self.staff.add(
                session,
                Staff(display_name=display_name, role=role, login=login, password_hash=passwords.hash(password)),
            )
        return staff


auth_service = AuthService()

DEMO_PASSWORD = "demo"


def startup_logins(settings: OrgRecordsSettings) -> list[tuple[str, str, str, StaffRole]]:
    """Logins to create at startup: the bootstrap administrator, and the demo logins when demo data is loaded."""
    logins = []
    if settings.bootstrap_admin_login and settings.bootstrap_admin_password:
        password = settings.bootstrap_admin_password.get_secret_value()
        logins.append((settings.bootstrap_admin_login, password, "管理者", StaffRole.org_admin))
    if settings.demo_logins and settings.org_kind == OrgKind.prefecture:
        logins.append(("demo-prefecture", DEMO_PASSWORD, "デモ 県職員", StaffRole.prefecture))
    elif settings.demo_logins:
        logins.append(("demo-advisor", DEMO_PASSWORD, "デモ 経営指導員", StaffRole.advisor))
        logins.append(("demo-admin", DEMO_PASSWORD, "デモ 団体管理者", StaffRole.org_admin))
    return logins
