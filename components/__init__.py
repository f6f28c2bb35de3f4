"""Pulumi components that watch the AWS root user of every account in an organization."""
