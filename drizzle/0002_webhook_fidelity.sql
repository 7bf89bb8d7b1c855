CREATE TABLE `whatsapp_account_blocks` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`sandbox_id` text NOT NULL,
	`kind` text NOT NULL,
	`event` text NOT NULL,
	`detail` text NOT NULL,
	`restriction_types` text NOT NULL,
	`until` integer,
	`since` integer NOT NULL,
	`delivery_id` text,
	FOREIGN KEY (`credential_id`) REFERENCES `whatsapp_api_credentials`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `whatsapp_messages` ADD `group_id` text;--> statement-breakpoint
ALTER TABLE `whatsapp_messages` ADD `edited_text` text;--> statement-breakpoint
ALTER TABLE `whatsapp_messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `whatsapp_messages` ADD `revoked_at` integer;