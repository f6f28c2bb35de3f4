"""The notifier Lambda: SQS batches of root activity in, SNS notifications out. Entry: `app.lambda_handler`.

Standard library and boto3 only (boto3 comes from the Lambda runtime); it knows nothing of Pulumi. Inside
the deployment package this is the package `handler`; installed with the components it is
`root_activity_monitor.handler`. Its modules import each other relatively, so both work as they are.
"""
