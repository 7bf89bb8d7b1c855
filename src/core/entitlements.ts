/** The entitlement an organization needs for the WhatsApp channel (granted with `wcs org entitle <org> cjm_whatsapp`). */
export const WHATSAPP_ENTITLEMENT = 'cjm_whatsapp';
