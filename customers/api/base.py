"""Small pieces the customers and consents views share."""

from mint_shop.api.permissions import HasStaffPermissions


class StaffEndpoint:
    """A staff view whose required permissions depend on the method (read one thing, write another)."""

    permission_classes = [HasStaffPermissions]
    permissions_by_method: dict[str, tuple[str, ...]] = {}

    @property
    def required_permissions(self) -> tuple[str, ...]:
        method = "GET" if self.request.method in ("HEAD", "OPTIONS") else self.request.method
        if not hasattr(self, method.lower()):
            return ()  # DRF answers 405 next; there is nothing to guard
        return self.permissions_by_method[method]


def validated(serializer_class, request, **kwargs) -> dict:
    """Parse request data with an input serializer; malformed input is a 400 naming each field."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
