CREATE TABLE `read_versions` (
	`name` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
-- The configuration group: what a cached configuration read (src/graphql/response-cache.ts) may show.
INSERT INTO `read_versions` (`name`, `version`) VALUES ('configuration', 0);
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configurations_insert` AFTER INSERT ON `channel_configurations` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configurations_delete` AFTER DELETE ON `channel_configurations` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configurations_update` AFTER UPDATE ON `channel_configurations` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configuration_checks_insert` AFTER INSERT ON `channel_configuration_checks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configuration_checks_delete` AFTER DELETE ON `channel_configuration_checks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_configuration_checks_update` AFTER UPDATE ON `channel_configuration_checks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_general_settings_insert` AFTER INSERT ON `channel_general_settings` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_general_settings_delete` AFTER DELETE ON `channel_general_settings` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_channel_general_settings_update` AFTER UPDATE ON `channel_general_settings` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_marketing_actions_insert` AFTER INSERT ON `marketing_actions` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_marketing_actions_delete` AFTER DELETE ON `marketing_actions` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_marketing_actions_update` AFTER UPDATE ON `marketing_actions` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_api_credentials_insert` AFTER INSERT ON `whatsapp_api_credentials` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_api_credentials_delete` AFTER DELETE ON `whatsapp_api_credentials` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_api_credentials_update` AFTER UPDATE ON `whatsapp_api_credentials` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_webhooks_insert` AFTER INSERT ON `whatsapp_webhooks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_webhooks_delete` AFTER DELETE ON `whatsapp_webhooks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
--> statement-breakpoint
CREATE TRIGGER `read_version_whatsapp_webhooks_update` AFTER UPDATE OF `id`, `sandbox_id`, `name`, `name_key`, `credential_id`, `path_id`, `verify_token_enc`, `verify_token_hash`, `verify_token_last4`, `app_secret_enc`, `app_secret_last4`, `keyword_rules`, `secret_version`, `verified_at`, `created_at`, `updated_at` ON `whatsapp_webhooks` BEGIN UPDATE `read_versions` SET `version` = `version` + 1 WHERE `name` = 'configuration'; END;
