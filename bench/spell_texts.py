"""Correctly spelled office prose in each language the spell-checker supports: the text side of
`bench/spell.py`'s labelled set (every word of it must pass), written for this benchmark."""

LETTERS = {
    "en": (
        "Dear Ms Taylor, thank you for your order of last week. Please find attached the invoice "
        "for the services we provided in October, together with the signed contract and the "
        "delivery notes. We would be grateful if you could arrange payment within thirty days. "
        "Should you have any questions about the amounts, our accounting department will be "
        "happy to help; you can reach them by telephone or by e-mail during office hours. We "
        "have also updated the schedule for the next quarter: the first shipment leaves our "
        "warehouse on Monday, and the remaining goods will follow in two weeks. The meeting with "
        "your purchasing team has been moved to Thursday afternoon, because several colleagues "
        "are travelling. We look forward to continuing our cooperation and remain at your "
        "disposal for any further information. Kind regards, the sales manager"
    ),
    "ru": (
        "Уважаемый клиент, благодарим вас за заказ, полученный на прошлой неделе. В приложении "
        "направляем счёт за услуги, оказанные в октябре, а также подписанный договор и "
        "накладные. Просим оплатить счёт в течение тридцати дней. Если у вас возникнут вопросы "
        "по суммам, сотрудники нашей бухгалтерии с удовольствием помогут; с ними можно "
        "связаться по телефону или по электронной почте в рабочее время. Мы также обновили "
        "график поставок на следующий квартал: первая партия покидает наш склад в понедельник, "
        "остальные товары прибудут через две недели. Встреча с вашим отделом закупок "
        "перенесена на четверг, потому что несколько коллег находятся в командировке. Надеемся "
        "на дальнейшее сотрудничество и готовы предоставить любую дополнительную информацию. "
        "С уважением, руководитель отдела продаж"
    ),
    "de": (
        "Sehr geehrte Frau Schmidt, vielen Dank für Ihre Bestellung der letzten Woche. Im Anhang "
        "finden Sie die Rechnung für die im Oktober erbrachten Leistungen sowie den "
        "unterschriebenen Vertrag und die Lieferscheine. Wir bitten Sie, den Betrag innerhalb "
        "von dreißig Tagen zu überweisen. Sollten Sie Fragen zu den Beträgen haben, hilft Ihnen "
        "unsere Buchhaltung gerne weiter; Sie erreichen sie während der Bürozeiten telefonisch "
        "oder per E-Mail. Außerdem haben wir den Zeitplan für das nächste Quartal aktualisiert: "
        "Die erste Lieferung verlässt unser Lager am Montag, die übrigen Waren folgen in zwei "
        "Wochen. Das Treffen mit Ihrer Einkaufsabteilung wurde auf Donnerstagnachmittag "
        "verschoben, weil mehrere Kollegen auf Reisen sind. Wir freuen uns auf die weitere "
        "Zusammenarbeit und stehen Ihnen für weitere Auskünfte gerne zur Verfügung. Mit "
        "freundlichen Grüßen, der Vertriebsleiter"
    ),
    "fr": (
        "Madame, nous vous remercions de votre commande de la semaine dernière. Vous trouverez "
        "ci-joint la facture des prestations réalisées en octobre, ainsi que le contrat signé "
        "et les bons de livraison. Nous vous serions reconnaissants de bien vouloir régler le "
        "montant sous trente jours. Si vous avez des questions sur les montants, notre service "
        "comptable se fera un plaisir de vous aider ; vous pouvez le joindre par téléphone ou "
        "par courriel pendant les heures de bureau. Nous avons également mis à jour le "
        "calendrier du prochain trimestre : la première livraison quitte notre entrepôt lundi, "
        "et les autres marchandises suivront dans deux semaines. La réunion avec votre service "
        "des achats a été déplacée à jeudi après-midi, car plusieurs collègues sont en "
        "déplacement. Nous nous réjouissons de poursuivre notre collaboration et restons à "
        "votre disposition pour toute information complémentaire. Veuillez agréer nos "
        "salutations distinguées, le directeur commercial"
    ),
    "es": (
        "Estimada señora García, le agradecemos su pedido de la semana pasada. Adjuntamos la "
        "factura de los servicios prestados en octubre, junto con el contrato firmado y los "
        "albaranes de entrega. Le rogamos que efectúe el pago en un plazo de treinta días. Si "
        "tiene alguna pregunta sobre los importes, nuestro departamento de contabilidad le "
        "ayudará con mucho gusto; puede contactar con ellos por teléfono o por correo "
        "electrónico en horario de oficina. También hemos actualizado el calendario del próximo "
        "trimestre: el primer envío sale de nuestro almacén el lunes y el resto de la mercancía "
        "llegará dentro de dos semanas. La reunión con su equipo de compras se ha trasladado al "
        "jueves por la tarde, porque varios compañeros están de viaje. Esperamos continuar "
        "nuestra colaboración y quedamos a su disposición para cualquier información adicional. "
        "Atentamente, el director comercial"
    ),
    "pt": (
        "Prezada senhora Silva, agradecemos a sua encomenda da semana passada. Enviamos em anexo "
        "a fatura dos serviços prestados em outubro, juntamente com o contrato assinado e as "
        "guias de remessa. Solicitamos que o pagamento seja efetuado no prazo de trinta dias. "
        "Caso tenha alguma dúvida sobre os valores, o nosso departamento de contabilidade terá "
        "todo o gosto em ajudar; pode contactá-lo por telefone ou por correio eletrónico durante "
        "o horário de expediente. Também atualizámos o calendário do próximo trimestre: a "
        "primeira remessa sai do nosso armazém na segunda-feira e as restantes mercadorias "
        "chegarão dentro de duas semanas. A reunião com a sua equipa de compras foi adiada para "
        "quinta-feira à tarde, porque vários colegas estão em viagem. Esperamos continuar a "
        "nossa colaboração e ficamos ao dispor para qualquer informação adicional. Com os "
        "melhores cumprimentos, o diretor comercial"
    ),
    "it": (
        "Gentile signora Rossi, la ringraziamo per il suo ordine della settimana scorsa. In "
        "allegato trova la fattura dei servizi prestati a ottobre, insieme al contratto firmato "
        "e ai documenti di trasporto. La preghiamo di effettuare il pagamento entro trenta "
        "giorni. Se ha domande sugli importi, il nostro ufficio contabilità sarà lieto di "
        "aiutarla; può contattarlo per telefono o per posta elettronica durante l'orario "
        "d'ufficio. Abbiamo anche aggiornato il calendario del prossimo trimestre: la prima "
        "spedizione lascia il nostro magazzino lunedì e il resto della merce arriverà entro due "
        "settimane. La riunione con il vostro ufficio acquisti è stata spostata a giovedì "
        "pomeriggio, perché diversi colleghi sono in viaggio. Speriamo di continuare la nostra "
        "collaborazione e restiamo a disposizione per qualsiasi ulteriore informazione. "
        "Cordiali saluti, il direttore commerciale"
    ),
}

# Faker's word lists of the same languages (everyday words, another author's choice); Faker has
# none for Portuguese, whose words come from Faker's Portuguese job titles instead.
FAKER_LOCALES = {
    "en": "en_US",
    "ru": "ru_RU",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "it": "it_IT",
}
FAKER_JOB_LOCALES = {"pt": "pt_PT"}
