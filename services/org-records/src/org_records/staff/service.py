from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from banso_core.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from banso_core.vocabulary import StaffRole
from org_records.auth.service import passwords
from org_records.staff.models import Staff
from org_records.staff.repository import StaffRepository
from org_records.staff.schemas import StaffFields, StaffPatch


class StaffService:
    def __init__(self) -> None:
        self.staff = StaffRepository()

    async def create(self, session: AsyncSession, fields: StaffFields) -> Staff:
        if fields.password is not None and fields.login is None:
            raise InvalidInput("パスワードにはログインIDが必要です (a password needs a login)", field="password")
        await self._check_login_free(session, fields.login)
        staff = Staff(**fields.model_dump(exclude={"password"}))
        if fields.password is not None:
            staff.password_hash = passwords.hash(fields.password.get_secret_value())
        return await self.staff.add(session, staff)

    async def get(self, session: AsyncSession, staff_id: int) -> Staff:
        staff = await self.staff.get(session, staff_id)
        if staff is None:
            raise NotFound(f"staff {staff_id} not found")
        return staff

    async def list(self, session: AsyncSession) -> Sequence[Staff]:
        return await self.staff.all(session)

    async def update(self, session: AsyncSession, staff_id: int, patch: StaffPatch, acting_staff_id: int) -> Staff:
        staff = await self.get(session, staff_id)
        changes = patch.model_dump(exclude_unset=True, exclude={"password"})
        if staff_id == acting_staff_id and (
            changes.get("active") is False or changes.get("role", StaffRole.org_admin) != StaffRole.org_admin
        ):
            # Otherwise the last administrator could lock everyone out of staff management.
            raise Forbidden("自分自身の管理者権限や有効状態は変更できません (you cannot demote or deactivate yourself)")
        if changes.get("login") not in (None, staff.login):
            await self._check_login_free(session, changes["login"])
        for name in ("display_name", "role", "active", "login"):
            if changes.get(name) is not None:
                setattr(staff, name, changes[name])
        if "email" in changes:
            staff.email = changes["email"]
        if patch.password is not None:
            if staff.login is None:
                raise InvalidInput("パスワードにはログインIDが必要です (a password needs a login)", field="password")
            staff.password_hash = passwords.hash(patch.password.get_secret_value())
        await session.flush()
        return staff

    async def _check_login_free(self, session: AsyncSession, login: str | None) -> None:
        if login is not None and await self.staff.by_login(session, login) is not None:
            raise AlreadyExists(f"ログインID {login} は使用されています (login already taken)", field="login")


staff_service = StaffService()
