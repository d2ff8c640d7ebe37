// What CloudFormation accepts for the resource types the deploy/ templates use: each type's property
// names (required ones marked) and the attributes Fn::GetAtt may read. Source: the CloudFormation Template
// Reference (docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/), the pages of these six
// resource types, "Properties" and "Return values / Fn::GetAtt", read in November 2026. Add a type here
// before a template uses it.
export const RESOURCE_TYPES: Record<string, { properties: string[]; required: string[]; attributes: string[] }> = {
  'AWS::S3::Bucket': {
    properties: ['AbacStatus', 'AccelerateConfiguration', 'AccessControl', 'AnalyticsConfigurations', 'BucketEncryption', 'BucketName', 'CorsConfiguration', 'IntelligentTieringConfigurations', 'InventoryConfigurations', 'LifecycleConfiguration', 'LoggingConfiguration', 'MetadataConfiguration', 'MetadataTableConfiguration', 'MetricsConfigurations', 'NotificationConfiguration', 'ObjectLockConfiguration', 'ObjectLockEnabled', 'OwnershipControls', 'PublicAccessBlockConfiguration', 'ReplicationConfiguration', 'Tags', 'VersioningConfiguration', 'WebsiteConfiguration'],
    required: [],
    attributes: ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL'],
  },
  'AWS::IAM::Role': {
    properties: ['AssumeRolePolicyDocument', 'Description', 'ManagedPolicyArns', 'MaxSessionDuration', 'Path', 'PermissionsBoundary', 'Policies', 'RoleName', 'Tags'],
    required: ['AssumeRolePolicyDocument'],
    attributes: ['Arn', 'RoleId'],
  },
  'AWS::IAM::OIDCProvider': {
    properties: ['ClientIdList', 'Tags', 'ThumbprintList', 'Url'],
    required: [],
    attributes: ['Arn'],
  },
  'AWS::IAM::SAMLProvider': {
    properties: ['AddPrivateKey', 'AssertionEncryptionMode', 'Name', 'PrivateKeyList', 'RemovePrivateKey', 'SamlMetadataDocument', 'Tags'],
    required: [],
    attributes: ['Arn', 'SamlProviderUUID'],
  },
  'AWS::Cognito::IdentityPool': {
    properties: ['AllowClassicFlow', 'AllowUnauthenticatedIdentities', 'CognitoEvents', 'CognitoIdentityProviders', 'CognitoStreams', 'DeveloperProviderName', 'IdentityPoolName', 'IdentityPoolTags', 'OpenIdConnectProviderARNs', 'PushSync', 'SamlProviderARNs', 'SupportedLoginProviders'],
    required: ['AllowUnauthenticatedIdentities'],
    attributes: ['Id', 'Name'],
  },
  'AWS::Cognito::IdentityPoolRoleAttachment': {
    properties: ['IdentityPoolId', 'RoleMappings', 'Roles'],
    required: ['IdentityPoolId'],
    attributes: ['Id'],
  },
};

/** CloudFormation's pseudo parameters. */
export const PSEUDO_PARAMETERS = ['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix'];

/** The parameter types the templates may use (CloudFormation has more; these are the ones checked here). */
export const PARAMETER_TYPES = ['String', 'Number', 'CommaDelimitedList'];
