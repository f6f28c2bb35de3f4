"""Entry point of the component provider: hosts the package's components for other Pulumi languages."""

from pulumi.provider.experimental import component_provider_host
from root_activity_monitor.package import HOSTED_COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION

if __name__ == "__main__":
    component_provider_host(HOSTED_COMPONENTS, name=PACKAGE_NAME, version=PACKAGE_VERSION)
